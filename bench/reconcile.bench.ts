// `npm run bench -- reconcile [--count N] [--timeout-min M] [--apply-workers W]`
//
// Throughput of the shipped operator (dist/pepr-highlander.js, one real process, Lease storage) on a
// fresh local control plane: apply N WorkloadProcess resources (server-side apply, W kubectl processes
// in parallel), then poll once a second — one list of the namespace's workloadprocesses — until every
// one reports status.active && status.healthy. Samples the operator's resident memory throughout
// (/proc/<pid>/status: VmHWM is the kernel's own peak, VmRSS the current size) and its CPU time. Then
// deletes them all and times until every pod and every workload (finalizers) is gone.
// kwok plays the kubelet, so a pod is Running as soon as it is bound: the figures measure the
// operator, the API server and the controllers, not image pulls or container starts.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { apiGet, kubectl, startCluster, type Cluster } from "../devenv/controlplane/cluster";
import { ensureModuleBuilt, prepareCluster } from "../devenv/lib/module";
import { startOperator, stopOperators, type OperatorProcess } from "../devenv/lib/operator";
import { sleep, waitFor } from "../devenv/lib/processes";

const NAMESPACE = "bench";
const GROUP_PATH = "/apis/highlander.plexobject.io/v1";

interface Options {
  count: number;
  timeoutMs: number;
  applyWorkers: number;
}

function parseArgs(args: string[]): Options {
  const opts: Options = { count: 1000, timeoutMs: 15 * 60_000, applyWorkers: 4 };
  for (let i = 0; i < args.length; i++) {
    const value = Number.parseInt(args[i + 1] ?? "", 10);
    if (args[i] === "--count") opts.count = value;
    else if (args[i] === "--timeout-min") opts.timeoutMs = value * 60_000;
    else if (args[i] === "--apply-workers") opts.applyWorkers = value;
    else throw new Error(`unknown argument ${args[i]}`);
    i++;
  }
  if (!(opts.count > 0)) throw new Error("--count must be a positive integer");
  if (!(opts.timeoutMs > 0)) throw new Error("--timeout-min must be a positive integer");
  if (!(opts.applyWorkers > 0)) throw new Error("--apply-workers must be a positive integer");
  return opts;
}

function log(line: string): void {
  process.stderr.write(`[reconcile] ${line}\n`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function workload(i: number) {
  return {
    apiVersion: "highlander.plexobject.io/v1",
    kind: "WorkloadProcess",
    metadata: { name: `proc-${String(i).padStart(5, "0")}`, namespace: NAMESPACE },
    spec: { image: "busybox", script: { commands: ["sleep 3600"] } },
  };
}

/** `kubectl` without blocking the event loop, so RSS sampling and progress keep running. */
function kubectlAsync(kubeconfig: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("kubectl", ["--kubeconfig", kubeconfig, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", code =>
      code === 0 ? resolve() : reject(new Error(`kubectl ${args[0]} exited ${code}: ${stderr}`)),
    );
  });
}

/** Server-side apply of all resources: `workers` kubectl processes, each with one List file. */
async function applyAll(kubeconfig: string, dir: string, opts: Options): Promise<void> {
  const chunks: unknown[][] = Array.from({ length: opts.applyWorkers }, () => []);
  for (let i = 0; i < opts.count; i++) chunks[i % opts.applyWorkers]!.push(workload(i));
  await Promise.all(
    chunks
      .filter(items => items.length > 0)
      .map((items, n) => {
        const file = join(dir, `workloads-${n}.json`);
        writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items }));
        return kubectlAsync(kubeconfig, [
          "apply",
          "--server-side",
          "--field-manager=bench",
          "-o",
          "name",
          "-f",
          file,
        ]);
      }),
  );
}

interface ListedWorkload {
  status?: { active?: boolean; healthy?: boolean };
}

async function listItems<T>(cluster: Cluster, path: string): Promise<T[]> {
  const res = await apiGet(cluster.server, cluster.pki, path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 200)}`);
  return (JSON.parse(res.body) as { items?: T[] }).items ?? [];
}

/** Peak and current resident size and CPU time of one process, from /proc (Linux). */
class ProcessSampler {
  peakHwmKiB = 0;
  peakRssKiB = 0;
  cpuSeconds = 0;
  readonly #timer: NodeJS.Timeout;
  readonly #ticks = 100; // USER_HZ on Linux

  constructor(private readonly pid: number) {
    this.sample();
    this.#timer = setInterval(() => this.sample(), 250);
    this.#timer.unref();
  }

  sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
      const kib = (field: string) =>
        Number.parseInt(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? "0", 10);
      this.peakHwmKiB = Math.max(this.peakHwmKiB, kib("VmHWM"));
      this.peakRssKiB = Math.max(this.peakRssKiB, kib("VmRSS"));
      // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
      const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      this.cpuSeconds = (Number(fields[11]) + Number(fields[12])) / this.#ticks;
    } catch {
      // The process has exited; keep the last figures.
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.sample();
  }
}

/** Polls `count()` once a second until it returns `target`, printing progress every 10 s. */
async function pollUntil(
  what: string,
  count: () => Promise<number>,
  target: number,
  deadline: number,
): Promise<void> {
  let lastPrint = Date.now();
  for (;;) {
    const n = await count();
    if (n === target) return;
    if (Date.now() - lastPrint >= 10_000) {
      log(`${what}: ${n} (target ${target})`);
      lastPrint = Date.now();
    }
    if (Date.now() > deadline)
      throw new Error(`gave up: ${what} still ${n}, target ${target}, at the time limit`);
    await sleep(1000);
  }
}

export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const dir = mkdtempSync(join(tmpdir(), "highlander-bench-reconcile-"));
  let cluster: Cluster | undefined;
  let operator: OperatorProcess | undefined;
  let sampler: ProcessSampler | undefined;
  let keepDir = false;
  // Ctrl-C: the cluster's watchdog stops it once we exit, but the operator is our child to stop.
  const interrupted = () => {
    operator?.kill("SIGKILL");
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  try {
    ensureModuleBuilt();
    // A kwok node takes 250 pods: enough nodes that every pod is scheduled.
    const nodes = Math.max(2, Math.ceil(opts.count / 200));
    cluster = await startCluster({
      dir: join(dir, "cluster"),
      ownerPid: process.pid,
      name: "bench cluster",
      nodes,
    });
    const c = cluster;
    prepareCluster(c.kubeconfig);
    kubectl(c.kubeconfig, ["create", "namespace", NAMESPACE]);
    operator = await startOperator({
      name: "bench-op",
      kubeconfig: c.kubeconfig,
      dir: join(dir, "operator"),
      env: { HIGHLANDER_LEASE_NAMESPACE: NAMESPACE, HIGHLANDER_LOG_LEVEL: "info" },
    });
    const op = operator;
    await waitFor(
      "the operator to lead",
      async () =>
        (await op.api<{ isLeader: boolean }>("/api/leader").catch(() => undefined))?.isLeader
          ? true
          : undefined,
      60_000,
    );
    sampler = new ProcessSampler(op.pid);
    const idle = { hwm: sampler.peakHwmKiB, cpu: sampler.cpuSeconds };
    log(`operator leads (pid ${op.pid}, ${(idle.hwm / 1024).toFixed(0)} MiB resident)`);

    const deadline = Date.now() + opts.timeoutMs;
    const workloadsPath = `${GROUP_PATH}/namespaces/${NAMESPACE}/workloadprocesses`;
    const podsPath = `/api/v1/namespaces/${NAMESPACE}/pods`;

    log(`applying ${opts.count} WorkloadProcess resources (${opts.applyWorkers} kubectl workers)`);
    const t0 = Date.now();
    await applyAll(c.kubeconfig, dir, opts);
    const applyMs = Date.now() - t0;
    log(`applied in ${seconds(applyMs)}`);

    await pollUntil(
      "active and healthy",
      async () =>
        (await listItems<ListedWorkload>(c, workloadsPath)).filter(
          w => w.status?.active === true && w.status.healthy === true,
        ).length,
      opts.count,
      deadline,
    );
    const activeMs = Date.now() - t0;
    sampler.sample();
    const cpuActive = sampler.cpuSeconds - idle.cpu;
    log(`all ${opts.count} active and healthy ${seconds(activeMs)} after the first apply`);

    const t1 = Date.now();
    await kubectlAsync(c.kubeconfig, [
      "delete",
      "workloadprocesses",
      "--all",
      "-n",
      NAMESPACE,
      "--wait=false",
    ]);
    await pollUntil(
      "pods left",
      async () => (await listItems(c, podsPath)).length,
      0,
      Date.now() + opts.timeoutMs,
    );
    const podsGoneMs = Date.now() - t1;
    await pollUntil(
      "workloads left",
      async () => (await listItems(c, workloadsPath)).length,
      0,
      Date.now() + opts.timeoutMs,
    );
    const workloadsGoneMs = Date.now() - t1;
    sampler.stop();

    const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
    const lines = [
      `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; kube-apiserver, etcd, controller-manager, scheduler and kwok share these cores with the operator`,
      `resources:                 ${opts.count} WorkloadProcess (one pod each on ${nodes} kwok nodes, which make pods Running at once)`,
      `apply (server-side):       ${seconds(applyMs)}`,
      `all Active and Healthy:    ${seconds(activeMs)} after the first apply`,
      `throughput:                ${(opts.count / (activeMs / 1000)).toFixed(1)} resources/s`,
      `operator peak RSS (VmHWM): ${mib(sampler.peakHwmKiB)} (idle leader ${mib(idle.hwm)}, sampled VmRSS peak ${mib(sampler.peakRssKiB)})`,
      `operator CPU time:         ${cpuActive.toFixed(1)} s until all Active`,
      `delete → all pods gone:    ${seconds(podsGoneMs)}; all workloads gone (finalizers) ${seconds(workloadsGoneMs)}`,
    ];
    console.log("\nreconcile summary");
    for (const line of lines) console.log(line);
  } catch (err) {
    keepDir = true;
    log(`failed; the operator's log and the cluster's logs are kept in ${dir}`);
    throw err;
  } finally {
    process.removeListener("SIGINT", interrupted);
    sampler?.stop();
    await stopOperators(operator);
    await cluster?.stop();
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }
}
