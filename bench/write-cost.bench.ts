// `npm run bench -- write-cost [--count N] [--concurrency C]`
//
// What one write of each kind the operator sends costs the control plane (API server, etcd, scheduler,
// kwok, controller manager), in CPU milliseconds per write: on a machine where the control plane is
// the limit (npm run bench -- scale), the time to bring N workloads up follows this sum. On a fresh
// local control plane with the fence policy installed, N WorkloadProcess are created, then each
// write below is sent N times (C at a time) as the admin, and the control plane's CPU time over the
// batch (from /proc, less its idle rate) is divided by N. The same writes go to a copy of the
// WorkloadProcess CRD without its CEL rules, to show what the rules cost, and one status write goes
// through the fence policy as the operator's do.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import {
  adminAgent,
  apiRequest,
  kubectl,
  startCluster,
  type Cluster,
} from "../devenv/controlplane/cluster";
import { prepareCluster } from "../devenv/lib/module";
import { sleep } from "../devenv/lib/processes";
import { cpuSecondsOf, ProcessSampler } from "./lib/process-sampler";

const NAMESPACE = "write-cost";
const GROUP = "highlander.plexobject.io";

interface Options {
  count: number;
  concurrency: number;
}

function parseArgs(args: string[]): Options {
  const opts: Options = { count: 1000, concurrency: 32 };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${args[i]} needs a positive integer`);
    if (args[i] === "--count") opts.count = value;
    else if (args[i] === "--concurrency") opts.concurrency = value;
    else throw new Error(`unknown option ${args[i]} (--count N, --concurrency C)`);
  }
  return opts;
}

function log(line: string): void {
  process.stderr.write(`[write-cost] ${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

const name = (i: number) => `w-${String(i).padStart(5, "0")}`;

/** Sends one request with the admin certificate over a shared keep-alive agent; rejects on >= 300. */
function sender(c: Cluster, concurrency: number) {
  const agent = adminAgent(c.pki, concurrency);
  const send = async (method: string, path: string, body: unknown, contentType: string) => {
    const res = await apiRequest(c.server, c.pki, path, {
      method,
      body,
      contentType,
      agent,
      timeoutMs: 30_000,
    });
    if (res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  };
  return { send, close: () => agent.destroy() };
}

/** The WorkloadProcess CRD as shipped, or a copy under another name with every CEL rule removed. */
function processCrd(withoutRules: boolean): { plural: string; kind: string; yaml?: string } {
  if (!withoutRules) return { plural: "workloadprocesses", kind: "WorkloadProcess" };
  const crd = parse(readFileSync("manifests/crds/workloadprocesses.yaml", "utf8")) as {
    metadata: { name: string };
    spec: { names: object };
  };
  const strip = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    delete (node as Record<string, unknown>)["x-kubernetes-validations"];
    for (const child of Object.values(node)) strip(child);
  };
  strip(crd);
  crd.metadata.name = `workloadnorules.${GROUP}`;
  crd.spec.names = {
    kind: "WorkloadNoRules",
    plural: "workloadnorules",
    singular: "workloadnorules",
    listKind: "WorkloadNoRulesList",
  };
  return { plural: "workloadnorules", kind: "WorkloadNoRules", yaml: stringify(crd) };
}

/** A status as the operator writes it (three conditions, the leader), Pending or Running. */
function status(phase: "Pending" | "Running", at: string) {
  const running = phase === "Running";
  const condition = (type: string, value: boolean, reason: string, message: string) => ({
    type,
    status: value ? "True" : "False",
    reason,
    message,
    lastTransitionTime: at,
    observedGeneration: 1,
  });
  return {
    phase,
    active: running,
    healthy: running,
    observedGeneration: 1,
    leader: { id: "bench", cluster: "default", epoch: 3 },
    conditions: [
      condition("Ready", running, phase, `the pod is ${phase}`),
      condition("Reconciling", !running, running ? "Done" : "Starting", ""),
      condition("Stalled", false, "Done", ""),
    ],
  };
}

export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const dir = mkdtempSync(join(tmpdir(), "highlander-bench-write-cost-"));
  let cluster: Cluster | undefined;
  let samplers: ProcessSampler[] = [];
  const rows: string[] = [];
  try {
    cluster = await startCluster({
      dir: join(dir, "cluster"),
      ownerPid: process.pid,
      name: "write-cost",
      nodes: Math.max(2, Math.ceil((opts.count * 2) / 200)),
    });
    const c = cluster;
    prepareCluster(c.kubeconfig);
    kubectl(c.kubeconfig, ["create", "namespace", NAMESPACE]);
    samplers = Object.values(c.pids).map(pid => new ProcessSampler(pid));
    const cpu = () => cpuSecondsOf(samplers);
    const { send, close } = sender(c, opts.concurrency);

    // The control plane's own rate with nothing sent (kwok's node heartbeats, controllers' loops).
    const i0 = cpu();
    await sleep(5000);
    const idlePerMs = (cpu() - i0) / 5000;
    log(`idle control plane: ${(idlePerMs * 1000 * 100).toFixed(1)} % of a core`);

    const batch = async (label: string, one: (i: number) => Promise<void>) => {
      await sleep(2000); // let the previous batch's follow-on work (watches, kwok) settle
      const c0 = cpu();
      const t0 = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: opts.concurrency }, async () => {
          while (next < opts.count) await one(next++);
        }),
      );
      await sleep(2000); // work the batch caused after its last answer (watch fan-out, scheduling)
      const ms = Date.now() - t0;
      const perWrite = ((cpu() - c0 - idlePerMs * ms) * 1000) / opts.count;
      const line = `${label.padEnd(52)} ${perWrite.toFixed(1).padStart(5)} ms CPU per write`;
      log(line);
      rows.push(line);
    };

    const at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    for (const withoutRules of [false, true]) {
      const crd = processCrd(withoutRules);
      if (crd.yaml) {
        kubectl(c.kubeconfig, ["apply", "--server-side", "-f", "-"], crd.yaml);
        kubectl(c.kubeconfig, [
          "wait",
          "--for=condition=Established",
          `crd/${crd.plural}.${GROUP}`,
        ]);
      }
      const path = `/apis/${GROUP}/v1/namespaces/${NAMESPACE}/${crd.plural}`;
      const tag = `${crd.kind}:`;
      const object = (i: number) => ({
        apiVersion: `${GROUP}/v1`,
        kind: crd.kind,
        metadata: { name: name(i), namespace: NAMESPACE },
      });
      const apply = "application/apply-patch+yaml";
      const merge = "application/merge-patch+json";
      await batch(`${tag} create (server-side apply)`, i =>
        send(
          "PATCH",
          `${path}/${name(i)}?fieldManager=bench`,
          { ...object(i), spec: { image: "busybox", script: { commands: ["sleep 3600"] } } },
          apply,
        ),
      );
      await batch(`${tag} finalizer added (merge patch)`, i =>
        send(
          "PATCH",
          `${path}/${name(i)}`,
          { metadata: { finalizers: [`${GROUP}/bench`] } },
          merge,
        ),
      );
      for (const phase of ["Pending", "Running"] as const)
        await batch(`${tag} status ${phase} (server-side apply)`, i =>
          send(
            "PATCH",
            `${path}/${name(i)}/status?fieldManager=bench-status&force=true`,
            { ...object(i), status: status(phase, at) },
            apply,
          ),
        );
      await batch(`${tag} status back to Pending (merge patch)`, i =>
        send("PATCH", `${path}/${name(i)}/status`, { status: status("Pending", at) }, merge),
      );
    }
    // As the operator sends it: field manager "highlander", so the fence policy evaluates it against
    // the tenant's HighlanderFence (epoch 1 here; the status is stamped with epoch 3).
    kubectl(
      c.kubeconfig,
      ["apply", "--server-side", "-f", "-"],
      JSON.stringify({
        apiVersion: `${GROUP}/v1`,
        kind: "HighlanderFence",
        metadata: { name: "default", labels: { [`${GROUP}/fence`]: "true" } },
        spec: { tenant: "default", epoch: 1, holder: "bench" },
      }),
    );
    await batch("WorkloadProcess: status Running, through the fence policy", i =>
      send(
        "PATCH",
        `/apis/${GROUP}/v1/namespaces/${NAMESPACE}/workloadprocesses/${name(i)}/status?fieldManager=highlander&force=true`,
        {
          apiVersion: `${GROUP}/v1`,
          kind: "WorkloadProcess",
          metadata: { name: name(i), namespace: NAMESPACE },
          status: status("Running", at),
        },
        "application/apply-patch+yaml",
      ),
    );
    await batch("Event create", i =>
      send(
        "POST",
        `/api/v1/namespaces/${NAMESPACE}/events`,
        {
          metadata: { name: `${name(i)}.created`, namespace: NAMESPACE },
          involvedObject: {
            apiVersion: `${GROUP}/v1`,
            kind: "WorkloadProcess",
            namespace: NAMESPACE,
            name: name(i),
          },
          reason: "PodCreated",
          message: `created pod ${name(i)}`,
          type: "Normal",
          source: { component: "highlander" },
          firstTimestamp: at,
          lastTimestamp: at,
          count: 1,
        },
        "application/json",
      ),
    );
    await batch("Pod create (and its scheduling and start by kwok)", i =>
      send(
        "POST",
        `/api/v1/namespaces/${NAMESPACE}/pods`,
        {
          metadata: { name: name(i), namespace: NAMESPACE },
          spec: { containers: [{ name: "main", image: "busybox", command: ["sleep", "3600"] }] },
        },
        "application/json",
      ),
    );
    close();
    console.log(
      `\nwrite cost (${opts.count} writes each, ${opts.concurrency} at a time; ${cpus().length} cores, ${cpus()[0]?.model.trim() ?? "?"}, node ${process.version})`,
    );
    for (const row of rows) console.log(row);
  } finally {
    for (const s of samplers) s.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
