// The fence where the write lands (issue: "Fencing that the API server enforces"): real operator
// processes, the real API server with the highlander-fence policy, and faults that used to get stale
// writes accepted — requests delayed in the network past the lease, a replica with a slow clock, a lock
// store that lost its state, a lock moved to another namespace. Each scenario has a tenant of its own,
// so each has its own fence, and watches every Deployment it manages: an epoch stamp that goes down
// between two versions of an object is a stale write the API server accepted.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EPOCH_ANNOTATION } from "../storage/guard";
import { K8s, kind } from "kubernetes-fluent-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectl, startCluster, type Cluster } from "../devenv/controlplane/cluster";
import { prepareCluster } from "../devenv/lib/module";
import { faketimeEnv } from "../devenv/lib/faketime";
import {
  currentLeader,
  FAST_LEASE,
  startOperator,
  stopOperators,
  type OperatorProcess,
} from "../devenv/lib/operator";
import { sleep, tail, waitFor } from "../devenv/lib/processes";
import { startTcpProxy, type TcpProxy } from "../devenv/lib/tcp-proxy";
import { startRedis, type RedisService } from "../devenv/services/redis";

// A control plane of this file's own, with an audit log: what the API server refused is read there,
// not from the operators (a request held past its client's timeout is answered to nobody).
let cluster: Cluster;
let kubeconfig = "";
const run = Date.now().toString(36);
const ns = `fencing-${run}`;
/** Tenants of their own per run, so objects left from an earlier run on the same cluster stay out. */
const tenantFor = (name: string) => `${name}-${run}`;
const dir = mkdtempSync(join(tmpdir(), "highlander-fencing-"));
const k = (args: string[], input?: string) => kubectl(kubeconfig, args, input);
const TENANT = "highlander.plexobject.io/tenant";
/** FAST_LEASE's lease duration: the bound the issue sets for a new leader to act on a change. */
const LEASE_MS = 4_000;

const operators: OperatorProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

async function operator(
  name: string,
  tenant: string,
  env: Record<string, string> = {},
  kubeconfigFile = kubeconfig,
): Promise<OperatorProcess> {
  const op = await startOperator({
    name,
    kubeconfig: kubeconfigFile,
    dir,
    env: { ...FAST_LEASE, HIGHLANDER_TENANT: tenant, HIGHLANDER_LEASE_NAMESPACE: ns, ...env },
  });
  operators.push(op);
  return op;
}

async function leaderOf(procs: OperatorProcess[]): Promise<OperatorProcess> {
  return waitFor("exactly one leader", () => currentLeader(procs), 60_000, 200);
}

/** A copy of the admin kubeconfig whose server is the proxy (TLS passes through it untouched). */
function kubeconfigVia(proxy: TcpProxy, name: string): string {
  const text = readFileSync(kubeconfig, "utf8").replace(
    /server: https:\/\/127\.0\.0\.1:\d+/,
    `server: https://127.0.0.1:${proxy.port}`,
  );
  const file = join(dir, `${name}.kubeconfig`);
  writeFileSync(file, text);
  return file;
}

function service(name: string, tenant: string, image: string): string {
  return JSON.stringify({
    apiVersion: "highlander.plexobject.io/v1",
    kind: "WorkloadService",
    metadata: { name, namespace: ns, labels: { [TENANT]: tenant } },
    spec: { image, replicas: 1, ports: [{ name: "http", containerPort: 8080 }] },
  });
}

function deploymentImage(name: string): string | undefined {
  try {
    return k([
      "get", "deployment", name, "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}",
    ]); // prettier-ignore
  } catch {
    return undefined;
  }
}

async function waitForImage(names: string[], image: string, timeoutMs: number): Promise<void> {
  await waitFor(
    `${names.length} Deployment(s) to run ${image}`,
    () => (names.every(n => deploymentImage(n) === image) ? true : undefined),
    timeoutMs,
    100,
  );
}

/** Requests in this file's namespace that the API server refused because of the fence. */
function fenceRefusalsInAuditLog(): number {
  const file = cluster.auditLogPath;
  if (!file) throw new Error("the cluster has no audit log");
  let n = 0;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.includes("highlander fence:")) continue;
    const event = JSON.parse(line) as {
      objectRef?: { namespace?: string };
      responseStatus?: { code?: number; message?: string };
    };
    if (event.objectRef?.namespace === ns && event.responseStatus?.code === 403) n++;
  }
  return n;
}

interface Version {
  rv: number;
  epoch: number;
  image: string;
}

/** Every version of every Deployment of a tenant, from the API server's watch stream. */
async function watchDeployments(tenant: string) {
  process.env.KUBECONFIG = kubeconfig;
  const seen = new Map<string, Version[]>();
  const waiting: Array<{ image: string; resolve: () => void }> = [];
  const watcher = K8s(kind.Deployment, { namespace: ns, labels: { [TENANT]: tenant } }).Watch(d => {
    const name = d.metadata?.name ?? "";
    const versions = seen.get(name) ?? [];
    versions.push({
      rv: Number(d.metadata?.resourceVersion),
      epoch: Number(d.metadata?.annotations?.[EPOCH_ANNOTATION] ?? 0),
      image: d.spec?.template.spec?.containers[0]?.image ?? "",
    });
    seen.set(name, versions);
    for (const w of waiting.filter(x => x.image === versions[versions.length - 1].image)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  await watcher.start();
  cleanups.push(async () => watcher.close());
  return {
    /** Objects whose epoch stamp decreased from one version to a later one. */
    decreases(): string[] {
      const out: string[] = [];
      for (const [name, versions] of seen) {
        const ordered = [...versions].sort((a, b) => a.rv - b.rv);
        for (let i = 1; i < ordered.length; i++) {
          if (ordered[i].epoch < ordered[i - 1].epoch)
            out.push(
              `${name}: epoch ${ordered[i - 1].epoch} -> ${ordered[i].epoch} at rv ${ordered[i].rv} (image ${ordered[i].image})`,
            );
        }
      }
      return out;
    },
    versions: () => [...seen.values()].reduce((n, v) => n + v.length, 0),
    /** The newest image of a Deployment as the watch saw it. */
    image(name: string): string | undefined {
      const versions = seen.get(name) ?? [];
      return [...versions].sort((a, b) => b.rv - a.rv)[0]?.image;
    },
    /** Resolves the moment the first Deployment with this image is seen (in-process, no polling). */
    firstWith: (image: string) => new Promise<void>(resolve => waiting.push({ image, resolve })),
  };
}

/** The operators' last log lines, without the HTTP request lines the tests' own polling adds. */
function logs(procs: OperatorProcess[]): string {
  const lines = (p: OperatorProcess) =>
    tail(p.logFile, 400)
      .split("\n")
      .filter(l => !l.includes('"msg":"http request"'))
      .slice(-40)
      .join("\n");
  return procs.map(p => `--- ${p.name}\n${lines(p)}`).join("\n");
}

describe("the fence the API server enforces", () => {
  beforeAll(async () => {
    cluster = await startCluster({
      dir: join(dir, "cluster"),
      ownerPid: process.pid,
      name: "fencing cluster",
      auditLog: true,
    });
    kubeconfig = cluster.kubeconfig;
    prepareCluster(kubeconfig);
    k(["create", "namespace", ns]);
  }, 300_000);

  afterAll(async () => {
    await stopOperators(...operators);
    for (const c of cleanups.reverse()) await c().catch(() => {});
    await cluster?.stop();
  });

  it("refuses a write stamped older than the fence, and leaves other writers alone", async () => {
    const tenant = tenantFor("fence-policy");
    const op = await operator("policy-a", tenant);
    await leaderOf([op]);
    k(["apply"], service("plain", tenant, "nginx:1.0"));
    await waitForImage(["plain"], "nginx:1.0", 30_000);
    const fence = JSON.parse(k(["get", "highlanderfence", tenant, "-o", "json"])) as {
      spec: { epoch: number; tenant: string };
    };
    expect(fence.spec.tenant).toBe(tenant);
    // A write in Highlander's name with a stale stamp: refused, with the fence named.
    const stale = JSON.stringify({
      metadata: { annotations: { [EPOCH_ANNOTATION]: String(fence.spec.epoch - 1) } },
    });
    expect(() =>
      k([
        "patch",
        "deployment",
        "plain",
        "-n",
        ns,
        "--type=merge",
        "--field-manager=highlander",
        "-p",
        stale,
      ]),
    ).toThrow(/highlander fence: deployments .*plain is stamped with epoch \d+, older than epoch/);
    // Anyone else may still change a managed object (here: kubectl as a user).
    k(["annotate", "deployment", "plain", "-n", ns, "example.com/note=by-hand"]);
    // And the fence itself only moves forward.
    const up = JSON.stringify({ spec: { epoch: fence.spec.epoch + 5 } });
    k(["patch", "highlanderfence", tenant, "--type=merge", "-p", up]);
    const down = JSON.stringify({ spec: { epoch: fence.spec.epoch + 1 } });
    expect(() => k(["patch", "highlanderfence", tenant, "--type=merge", "-p", down])).toThrow(
      /never decreases/,
    );
    await stopOperators(op);
  });

  it(
    "requests delayed in the network past the lease are refused when they land; the newer spec stays",
    { timeout: 400_000 },
    async () => {
      const tenant = tenantFor("fence-delay");
      const watch = await watchDeployments(tenant);
      const target = apiserverOf(kubeconfig);
      const replicas: Array<{ op: OperatorProcess; proxy: TcpProxy }> = [];
      for (const name of ["delay-a", "delay-b"]) {
        const proxy = await startTcpProxy({ target });
        cleanups.push(() => proxy.stop());
        replicas.push({ op: await operator(name, tenant, {}, kubeconfigVia(proxy, name)), proxy });
      }
      const procs = replicas.map(r => r.op);
      const names = Array.from({ length: 12 }, (_, i) => `svc-${i}`);
      const allAt = (image: string, timeoutMs = 60_000) =>
      waitFor(`all Deployments at ${image}`, () =>
        names.every(n => watch.image(n) === image) ? true : undefined, timeoutMs, 50); // prettier-ignore
      const apply = (image: string) =>
      k(["apply"], JSON.stringify({
        apiVersion: "v1", kind: "List", items: names.map(n => JSON.parse(service(n, tenant, image))),
      })); // prettier-ignore
      try {
        apply("app:v0");
        await allAt("app:v0", 90_000);
        // Which requests are on the wire at the freeze is up to the scheduler: repeat until at least
        // one held write has reached the API server late (each round checks every invariant).
        let refusedLate = 0;
        for (let round = 1; round <= 3 && refusedLate === 0; round++) {
          const leader = await leaderOf(procs);
          const held = replicas.find(r => r.op === leader);
          const other = replicas.find(r => r.op !== leader);
          if (!held || !other) throw new Error("two replicas expected");
          const before = fenceRefusalsInAuditLog();
          // The leader starts writing the new spec; hold its bytes the moment its first write lands.
          const first = watch.firstWith(`app:r${round}a`);
          apply(`app:r${round}a`);
          await first;
          held.proxy.freeze();
          // The held leader cannot renew its Lease (that goes through the proxy too): the other takes
          // over, advances the fence and writes the spec; then a newer spec arrives and it writes that.
          expect(await waitFor("the other replica to lead", async () =>
          (await currentLeader([other.op])) ?? undefined, 60_000, 200)).toBe(other.op); // prettier-ignore
          await allAt(`app:r${round}a`);
          apply(`app:r${round}b`);
          await allAt(`app:r${round}b`);
          // Deliver what was held, in order: stale requests reach the API server now.
          held.proxy.release();
          await waitFor("the held replica to settle", async () => {
          const status = await held.op.api<{ instance: { role: string } }>("/api/status");
          return status.instance.role !== "leader" ? true : undefined;
        }, 30_000, 250); // prettier-ignore
          await sleep(3_000);
          refusedLate += fenceRefusalsInAuditLog() - before;
          for (const n of names) expect(watch.image(n)).toBe(`app:r${round}b`);
          expect(deploymentImage(names[0])).toBe(`app:r${round}b`);
          expect(watch.decreases()).toEqual([]);
        }
        expect(refusedLate).toBeGreaterThan(0);
      } catch (err) {
        process.stderr.write(logs(procs));
        throw err;
      } finally {
        await stopOperators(...procs);
      }
    },
  );

  it(
    "a replica whose clock runs slow gets no write accepted after the lock passed to another",
    { timeout: 200_000 },
    async () => {
      const tenant = tenantFor("fence-clock");
      const watch = await watchDeployments(tenant);
      const redis = await startRedis({ dir: join(dir, "redis-clock"), ownerPid: process.pid });
      cleanups.push(() => redis.stop());
      // Only the slow replica's lock traffic goes through a proxy, so it can be cut off from the lock
      // while it still reaches the API server — and believes, by its slow clock, that it still leads.
      const lockProxy = await startTcpProxy({ target: { host: "127.0.0.1", port: redis.port } });
      cleanups.push(() => lockProxy.stop());
      const storage = (port: number) => ({
        HIGHLANDER_STORAGE_TYPE: "redis",
        HIGHLANDER_REDIS_ADDR: `127.0.0.1:${port}`,
      });
      const slow = await operator("clock-slow", tenant, {
        ...storage(lockProxy.port),
        ...(faketimeEnv(0.5) as Record<string, string>),
      });
      await leaderOf([slow]);
      const other = await operator("clock-ok", tenant, storage(redis.port));
      const names = ["tick-0", "tick-1", "tick-2"];
      try {
        for (const n of names) k(["apply"], service(n, tenant, "app:0"));
        await waitForImage(names, "app:0", 60_000);
        lockProxy.partition();
        // Keep changing the spec while the lock moves: the slow replica keeps trying to write.
        let version = 0;
        const started = Date.now();
        while (Date.now() - started < 12_000) {
          version++;
          for (const n of names) k(["apply"], service(n, tenant, `app:${version}`));
          await sleep(300);
        }
        expect(await leaderOf([slow, other])).toBe(other);
        await waitForImage(names, `app:${version}`, 30_000);
        expect(watch.decreases()).toEqual([]);
      } catch (err) {
        process.stderr.write(logs([slow, other]));
        throw err;
      } finally {
        await stopOperators(slow, other);
      }
    },
  );

  it("a Redis restarted without persistence: the next leader continues the fence and acts within a lease", async () => {
    const tenant = tenantFor("fence-reset");
    const watch = await watchDeployments(tenant);
    const redisDir = join(dir, "redis-reset");
    let redis: RedisService = await startRedis({ dir: redisDir, ownerPid: process.pid });
    const port = redis.port;
    cleanups.push(() => redis.stop());
    const env = { HIGHLANDER_STORAGE_TYPE: "redis", HIGHLANDER_REDIS_ADDR: `127.0.0.1:${port}` };
    const procs = [await operator("reset-a", tenant, env), await operator("reset-b", tenant, env)];
    try {
      k(["apply"], service("kept", tenant, "app:1"));
      await waitForImage(["kept"], "app:1", 60_000);
      const before = (
        await (await leaderOf(procs)).api<{ fence: { epoch: number } }>("/api/status")
      ).fence.epoch;
      // The store loses its state and, while it is down, the leader dies: the other replica's term
      // starts at lock epoch 1 again, below every stamp the old leader wrote.
      await redis.stop();
      const old = await leaderOf(procs);
      old.kill("SIGKILL");
      await old.exited();
      const next = procs.find(p => p !== old)!;
      redis = await startRedis({ dir: redisDir, ownerPid: process.pid, port });
      // The lock store starts its epochs at 1 again; the fence does not.
      await waitFor("the other replica leading with a fence above the old one", async () => {
        const l = await currentLeader([next]);
        const epoch = l ? (await l.api<{ fence: { epoch: number } }>("/api/status")).fence.epoch : 0;
        return epoch > before ? true : undefined;
      }, 60_000, 200); // prettier-ignore
      k(["apply"], service("kept", tenant, "app:2"));
      await waitForImage(["kept"], "app:2", LEASE_MS);
      expect(watch.decreases()).toEqual([]);
    } catch (err) {
      process.stderr.write(logs(procs));
      throw err;
    } finally {
      await stopOperators(...procs);
    }
  });

  it("a Lease moved to another namespace: epochs start again in the lock, the fence continues", async () => {
    const tenant = tenantFor("fence-move");
    const watch = await watchDeployments(tenant);
    const first = await operator("move-a", tenant);
    await leaderOf([first]);
    k(["apply"], service("moved", tenant, "app:1"));
    await waitForImage(["moved"], "app:1", 60_000);
    await stopOperators(first);
    const elsewhere = `${ns}-moved`;
    k(["create", "namespace", elsewhere]);
    cleanups.push(async () => void k(["delete", "namespace", elsewhere, "--wait=false"]));
    const second = await operator("move-b", tenant, { HIGHLANDER_LEASE_NAMESPACE: elsewhere });
    try {
      await leaderOf([second]);
      k(["apply"], service("moved", tenant, "app:2"));
      await waitForImage(["moved"], "app:2", LEASE_MS);
      expect(watch.decreases()).toEqual([]);
    } catch (err) {
      process.stderr.write(logs([first, second]));
      throw err;
    } finally {
      await stopOperators(second);
    }
  });

  it("config-file workloads are applied through the fence, stamped with the leader's epoch", async () => {
    const tenant = tenantFor("fence-config");
    const file = join(dir, "config-workloads.yaml");
    writeFileSync(
      file,
      [
        "workloads:",
        "  processes:",
        "    - name: from-config",
        `      namespace: ${ns}`,
        "      image: busybox:1.36",
        "      restartPolicy: Never",
        "",
      ].join("\n"),
    );
    const op = await operator("config-a", tenant, { HIGHLANDER_CONFIG: file });
    try {
      const leader = await leaderOf([op]);
      const cr = await waitFor("the config-file workload", () => {
        try {
          return JSON.parse(k(["get", "workloadprocess", "from-config", "-n", ns, "-o", "json", "--show-managed-fields"])) as {
            metadata: { annotations?: Record<string, string>; managedFields?: Array<{ manager: string }> };
          };
        } catch {
          return undefined;
        }
      }, 60_000, 200); // prettier-ignore
      const { fence } = await leader.api<{ fence: { epoch: number } }>("/api/status");
      expect(Number(cr.metadata.annotations?.[EPOCH_ANNOTATION])).toBe(fence.epoch);
      // Written by the operator's one field manager, which the fence policy matches.
      expect(cr.metadata.managedFields?.map(f => f.manager)).toContain("highlander");
      expect(cr.metadata.managedFields?.map(f => f.manager)).not.toContain("highlander-config");
    } catch (err) {
      process.stderr.write(logs([op]));
      throw err;
    } finally {
      await stopOperators(op);
      k([
        "delete",
        "workloadprocess",
        "from-config",
        "-n",
        ns,
        "--ignore-not-found",
        "--wait=false",
      ]);
    }
  });

  // Last: it takes the policy's binding away for a while.
  it("without the policy the operator says so: /api/status and a Warning event on the fence", async () => {
    const tenant = tenantFor("fence-unenforced");
    const bindingJson = k([
      "get",
      "validatingadmissionpolicybinding",
      "highlander-fence",
      "-o",
      "json",
    ]);
    k(["delete", "validatingadmissionpolicybinding", "highlander-fence"]);
    const op = await operator("unenforced-a", tenant);
    try {
      const leader = await leaderOf([op]);
      const status = await waitFor("the fence reported unenforced", async () => {
        const s = await leader.api<{ fence: { name: string; enforcedByApiServer: boolean | null } }>(
          "/api/status",
        );
        return s.fence.enforcedByApiServer === false ? s : undefined;
      }, 30_000, 200); // prettier-ignore
      const reasons = await waitFor("a FenceNotEnforced event", () => {
        const events = JSON.parse(
          k(["get", "events", "-n", "default", "--field-selector",
            `involvedObject.kind=HighlanderFence,involvedObject.name=${status.fence.name}`, "-o", "json"]),
        ) as { items: Array<{ type: string; reason: string; message: string }> }; // prettier-ignore
        const found = events.items.filter(e => e.reason === "FenceNotEnforced");
        return found.length > 0 ? found : undefined;
      }, 30_000, 250); // prettier-ignore
      expect(reasons[0]?.type).toBe("Warning");
      expect(reasons[0]?.message).toContain("not installed");
    } catch (err) {
      process.stderr.write(logs([op]));
      throw err;
    } finally {
      await stopOperators(op);
      const binding = JSON.parse(bindingJson) as { metadata: Record<string, unknown> };
      binding.metadata = { name: "highlander-fence", labels: binding.metadata.labels };
      k(["create"], JSON.stringify(binding));
    }
  });
});

/** host and port of the API server an admin kubeconfig names. */
function apiserverOf(file: string): { host: string; port: number } {
  const m = /server: https:\/\/(127\.0\.0\.1):(\d+)/.exec(readFileSync(file, "utf8"));
  if (!m) throw new Error(`no loopback server in ${file}`);
  return { host: m[1], port: Number(m[2]) };
}
