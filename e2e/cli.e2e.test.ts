// The `highlander` CLI (bin/highlander.cjs, as `npx highlander` runs it) against two real operator
// processes on the local control plane: create one workload of each kind from flags, watch
// `highlander status` report them active and healthy, read the leader, make the leader step down
// (the other operator takes over; not while it is named alone, nor without its API token), and delete each workload; their
// children go with them. Deleting one again exits 1 ("not found") unless --ignore-not-found.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kubectl } from "../devenv/controlplane/cluster";
import { ROOT } from "../devenv/lib/module";
import {
  currentLeader,
  FAST_LEASE,
  startOperator,
  stopOperators,
  type OperatorProcess,
} from "../devenv/lib/operator";
import { tail, waitFor } from "../devenv/lib/processes";

const kubeconfig = inject("kubeconfig");
const suffix = Date.now().toString(36);
const ns = `cli-${suffix}`;
// A tenant of its own keeps this file's operators away from other files' workloads and leases.
const tenant = `cli-${suffix}`;
const pvName = `${ns}-pv0`;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function highlanderWith(env: Record<string, string>, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "highlander.cjs"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    // Credentials only where a test passes --token (or env sets them).
    env: { ...process.env, KUBECONFIG: kubeconfig, HIGHLANDER_API_TOKEN: "", ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function highlander(...args: string[]): CliResult {
  return highlanderWith({}, ...args);
}

/** Runs the CLI and insists on success. */
function ok(...args: string[]): string {
  const r = highlander(...args);
  if (r.code !== 0) throw new Error(`highlander ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A table printed by the CLI as objects keyed by its header. */
function table(text: string): Array<Record<string, string>> {
  const lines = text.split("\n").filter(l => l.trim() !== "");
  const header = lines[0] ?? "";
  const starts = [...header.matchAll(/\S+/g)].map(m => ({ name: m[0], at: m.index ?? 0 }));
  return lines
    .slice(1)
    .map(line =>
      Object.fromEntries(
        starts.map((col, i) => [
          col.name,
          line.slice(col.at, i + 1 < starts.length ? starts[i + 1].at : undefined).trim(),
        ]),
      ),
    );
}

function k(args: string[], input?: string): string {
  return kubectl(kubeconfig, args, input);
}

/** Names of objects of `kind` in the namespace that belong to workload `name` of `type`. */
function children(kind: string, name: string, type: string): string[] {
  const out = k([
    "get", kind, "-n", ns, "-o", "name",
    "-l", `highlander.plexobject.io/workload=${name},highlander.plexobject.io/kind=${type}`,
  ]); // prettier-ignore
  return out.split("\n").filter(Boolean);
}

const CHILD_KIND: Record<string, string> = {
  pod: "Pod",
  job: "Job",
  deployment: "Deployment",
  service: "Service",
  statefulset: "StatefulSet",
};

/** Each line of an operator's log, parsed; fails on any line that is not our JSON schema. */
function logLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(line => line !== "")
    .map(line => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${file}: a line that is not JSON: ${line.slice(0, 300)}`);
      }
      const schema =
        typeof parsed.level === "string" &&
        ["trace", "debug", "info", "warn", "error", "fatal"].includes(parsed.level) &&
        typeof parsed.time === "string" &&
        !Number.isNaN(Date.parse(parsed.time)) &&
        parsed.name === "highlander" &&
        typeof parsed.msg === "string";
      if (!schema) throw new Error(`${file}: a line not in our log schema: ${line.slice(0, 300)}`);
      return parsed;
    });
}

const WORKLOADS = [
  {
    type: "process",
    kind: "WorkloadProcess",
    name: "cli-proc",
    childKinds: ["pod"],
    flags: [
      "--image", "busybox", "--shell", "/bin/sh", "--script", "echo started", "--script", "sleep 3600",
      "--restart-policy", "Always", "--max-restarts", "3", "--env", "MODE=cli",
      "--cpu-request", "50m", "--memory-request", "32Mi", "--cpu-limit", "100m", "--memory-limit", "64Mi",
    ],
  },
  {
    type: "cronjob",
    kind: "WorkloadCronJob",
    name: "cli-cron",
    childKinds: ["job"],
    flags: [
      // Six fields, seconds first: a Job appears within seconds.
      "--image", "busybox", "--shell", "/bin/sh", "--script", "echo tick", "--schedule", "*/3 * * * * *",
      "--restart-policy", "OnFailure", "--concurrency-policy", "Forbid",
      "--cpu-request", "50m", "--memory-request", "32Mi", "--cpu-limit", "100m", "--memory-limit", "64Mi",
    ],
  },
  {
    type: "service",
    kind: "WorkloadService",
    name: "cli-web",
    childKinds: ["deployment", "service", "pod"],
    flags: [
      "--image", "nginx", "--replicas", "2", "--port", "http:8080:80",
      "--health-check-path", "/healthz", "--health-check-port", "8080",
      "--cpu-request", "50m", "--memory-request", "32Mi",
    ],
  },
  {
    type: "persistent",
    kind: "WorkloadPersistent",
    name: "cli-db",
    childKinds: ["statefulset", "service", "pod"],
    flags: [
      "--image", "postgres", "--replicas", "1", "--port", "pg:5432",
      "--volume", "data:/var/lib/postgresql/data:1Gi:manual", "--memory-limit", "256Mi",
    ],
  },
] as const; // prettier-ignore

describe("highlander CLI against running operators", () => {
  const dir = mkdtempSync(join(tmpdir(), "highlander-cli-"));
  let operators: OperatorProcess[] = [];

  beforeAll(async () => {
    k(["create", "namespace", ns]);
    // The local control plane has no volume provisioner: a pre-made volume for the persistent claim.
    k(["apply", "-f", "-"], JSON.stringify({
      apiVersion: "v1", kind: "PersistentVolume", metadata: { name: pvName },
      spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: `/tmp/${pvName}` }, storageClassName: "manual" },
    })); // prettier-ignore
    const env = {
      ...FAST_LEASE,
      HIGHLANDER_TENANT: tenant,
      HIGHLANDER_LEASE_NAMESPACE: ns,
    };
    operators = await Promise.all(
      ["cli-a", "cli-b"].map(name => startOperator({ name, kubeconfig, dir, env })),
    );
  });

  afterAll(async () => {
    await stopOperators(...operators);
    for (const args of [
      ["delete", "namespace", ns, "--wait=false"],
      ["delete", "pv", pvName, "--wait=false"],
    ]) {
      try {
        k(args);
      } catch {
        // best effort
      }
    }
  });

  it("creates, lists, hands over and deletes one workload of each kind", async () => {
    try {
      let leader = await waitFor("one operator to lead", () => currentLeader(operators), 30_000);
      let standby = operators.find(p => p !== leader);
      if (!standby) throw new Error("no standby operator");

      for (const w of WORKLOADS) {
        const out = ok(
          "create",
          w.type,
          "--name",
          w.name,
          "-n",
          ns,
          "--tenant",
          tenant,
          ...w.flags,
        );
        expect(out).toContain(`${w.name} applied in namespace ${ns}`);
      }
      // The flags arrived in the resources.
      const proc = JSON.parse(k(["get", "workloadprocess", "cli-proc", "-n", ns, "-o", "json"]));
      expect(proc.metadata.labels["highlander.plexobject.io/tenant"]).toBe(tenant);
      expect(proc.spec).toMatchObject({
        image: "busybox",
        script: { commands: ["echo started", "sleep 3600"], shell: "/bin/sh" },
        restartPolicy: "Always",
        maxRestarts: 3,
        env: { MODE: "cli" },
        resources: {
          cpuRequest: "50m",
          memoryRequest: "32Mi",
          cpuLimit: "100m",
          memoryLimit: "64Mi",
        },
      });
      const cron = JSON.parse(k(["get", "workloadcronjob", "cli-cron", "-n", ns, "-o", "json"]));
      expect(cron.spec).toMatchObject({
        schedule: "*/3 * * * * *",
        restartPolicy: "OnFailure",
        concurrencyPolicy: "Forbid",
      });

      // `highlander status` lists all four, ACTIVE and HEALTHY once the leader has reconciled them.
      const rows = await waitFor(
        "highlander status to show every workload active and healthy",
        () => {
          const found = table(ok("status", "-n", ns));
          const done = WORKLOADS.every(w =>
            found.some(
              r =>
                r.KIND === w.kind &&
                r.NAME === w.name &&
                r.NAMESPACE === ns &&
                r.ACTIVE === "true" &&
                r.HEALTHY === "true",
            ),
          );
          return done ? found : undefined;
        },
        60_000,
        1000,
      ).catch(err => {
        throw new Error(`${(err as Error).message}\n${ok("status", "-n", ns)}`);
      });
      expect(rows).toHaveLength(WORKLOADS.length);
      for (const w of WORKLOADS) {
        await waitFor(
          `the children of ${w.name}`,
          () =>
            w.childKinds.every(c => children(c, w.name, w.type).length > 0) ? true : undefined,
          30_000,
          500,
        );
      }

      // `highlander leader`: both operators name the same leader, for this tenant; without --url it
      // reads the Lease and the HighlanderFence itself, through the kubeconfig, from the same settings
      // the operators read (here their environment), or from flags. The test leases are short, so on a
      // loaded machine leadership may move meanwhile: retry until every view agrees.
      const agreed = await waitFor(
        "highlander leader, with and without --url, to agree with the operators",
        async () => {
          const lead = await currentLeader(operators);
          if (!lead) return undefined;
          const view = await lead.api<{ leader: { id: string; epoch: number } }>("/api/leader");
          const fence = Number(
            k(["get", "hlfence", tenant, "-o", "jsonpath={.spec.epoch}"]).trim(),
          );
          const viaUrl = table(ok("leader", "--url", operators[0].url, "--url", operators[1].url));
          const fromEnv = highlanderWith(
            { HIGHLANDER_TENANT: tenant, HIGHLANDER_LEASE_NAMESPACE: ns },
            "leader",
          );
          if (fromEnv.code !== 0)
            throw new Error(`highlander leader exited ${fromEnv.code}: ${fromEnv.stderr}`);
          const fromFlags = ok("leader", "--tenant", tenant, "--lease-namespace", ns);
          const expected: Record<string, string> = {
            TENANT: tenant,
            LEADER: view.leader.id,
            EPOCH: String(view.leader.epoch),
            FENCE: String(fence),
            SOURCE: `lease ${ns}/highlander-leader-lock-${tenant}`,
          };
          const lockRows = [table(fromEnv.stdout), table(fromFlags)];
          const same =
            fence > 0 &&
            viaUrl.length === 2 &&
            viaUrl.every(r => r.TENANT === tenant && r.LEADER === view.leader.id) &&
            lockRows.every(
              rows =>
                rows.length === 1 &&
                Object.entries(expected).every(([col, value]) => rows[0][col] === value),
            );
          return same ? { lead, stderr: fromEnv.stderr } : undefined;
        },
        60_000,
        1000,
      );
      expect(agreed.stderr).toBe("");
      leader = agreed.lead;
      standby = operators.find(p => p !== leader);
      if (!standby) throw new Error("no standby operator");

      // A standby cannot step down; the leader can, and the standby takes over.
      const refused = highlander("step-down", "--url", standby.url);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("not the leader");
      // Named alone, the leader has no standby the CLI can see: it refuses rather than stop it.
      const alone = highlander("step-down", "--url", leader.url);
      expect(alone.code).toBe(1);
      expect(alone.stderr).toContain("no standby would take over");
      // Without credentials the leader refuses (401) and keeps leading; with its token it steps down.
      const anonymous = highlander("step-down", "--url", leader.url, "--url", standby.url);
      expect(anonymous.code).toBe(1);
      expect(anonymous.stderr).toContain("401");
      expect(await currentLeader([leader, standby])).toBe(leader);
      expect(
        ok("step-down", "--url", leader.url, "--url", standby.url, "--token", leader.token),
      ).toContain("stepped down");
      await leader.exited();
      const next = await waitFor(
        "the standby to take over",
        () => currentLeader([standby]),
        30_000,
      );
      const nextId = (await next.api<{ instance: { id: string } }>("/api/status")).instance.id;
      expect(table(ok("leader", "--url", next.url))[0]).toMatchObject({
        TENANT: tenant,
        LEADER: nextId,
      });

      // Deleting through the CLI removes each workload and, through the new leader, its children.
      for (const w of WORKLOADS) {
        expect(ok("delete", w.type, w.name, "-n", ns)).toContain(`${w.name} deleted`);
      }
      for (const w of WORKLOADS) {
        for (const c of w.childKinds) {
          await waitFor(
            `the ${c} children of ${w.name} to be gone`,
            () => (children(c, w.name, w.type).length === 0 ? true : undefined),
            60_000,
            500,
          );
        }
      }
      await waitFor(
        "highlander status to list nothing",
        () =>
          ok("status", "-n", ns).includes(`no workloads in namespace ${ns}`) ? true : undefined,
        30_000,
        1000,
      );
      // Like kubectl: deleting what is not there fails, unless --ignore-not-found.
      const missing = highlander("delete", "process", "cli-proc", "-n", ns);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("not found");
      expect(ok("delete", "process", "cli-proc", "-n", ns, "--ignore-not-found")).toBe("");

      // Every line either operator wrote (stdout and stderr, Pepr's own lines included) is one JSON
      // object of our schema; the writes it made are logged with kind, namespace, name and epoch.
      const lines = operators.flatMap(p => logLines(p.logFile));
      expect(lines.length).toBeGreaterThan(10);
      expect(lines.some(l => l.component === "pepr")).toBe(true);
      const wrote = (action: string, kinds: string[]) =>
        lines.some(l => {
          const r = l.resource as { kind?: string; namespace?: string } | undefined;
          return (
            l.write === action &&
            l.level === "info" &&
            r?.namespace === ns &&
            kinds.includes(r.kind ?? "") &&
            typeof l.epoch === "number"
          );
        });
      for (const w of WORKLOADS) {
        const kinds = w.childKinds.map(c => CHILD_KIND[c]);
        expect(wrote("created", kinds), `an info line for a child of ${w.name} created`).toBe(true);
        // Its finalizer, added on the first reconcile and removed when it was deleted.
        expect(wrote("changed", [w.kind]), `an info line for ${w.name} changed`).toBe(true);
      }
      // Stopping the process deletes its pod (the other children go by garbage collection).
      expect(wrote("deleted", ["Pod"]), "an info line for a deleted pod").toBe(true);
    } catch (err) {
      for (const p of operators) process.stderr.write(`--- ${p.name}\n${tail(p.logFile, 30)}\n`);
      throw err;
    }
  });
});
