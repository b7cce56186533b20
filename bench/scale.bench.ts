// `npm run bench -- scale [--count N] [--crons C] [--idle-seconds S] [--cron-ticks T]
//                         [--timeout-min M] [--apply-workers W]`
//
// The operator at scale on a fresh local control plane (kwok nodes: a pod is Running once bound, so
// the figures measure the API server, the controllers and the operator, not image pulls), all in one
// run so the figures compare on the same machine and load:
//   1. the floor: N bare pods applied with kubectl (server-side) until all are Running, then deleted;
//      then N WorkloadProcess applied the same way with no operator running (their own cost), deleted;
//   2. two replicas of the shipped bundle (Lease storage): a leader and a warm standby; the leader's
//      idle request rate with no workloads (its lock renewals);
//   3. N WorkloadProcess applied until all are Active and Healthy: time and its ratio to the floor, the
//      leader's API requests per workload (the audit log, minus the lock's rate);
//   4. S seconds with nothing changing: reconciles/s and requests/s beyond the lock's; one /metrics
//      scrape (size, time, the operator's longest event-loop stall around it);
//   5. graceful handoff (SIGTERM of the leader): time to lead, then until the new leader has
//      reconciled every workload once, and the writes it sent meanwhile (nothing had changed);
//   6. C WorkloadCronJobs ticking every minute beside the N: for T ticks, the delay from the tick to
//      the Job being stored (the audit log) and to the Job reaching a watch of the bench (p50, p99);
//   7. memory: the idle leader, the peak, per workload; deletion of everything.
// The control plane's CPU is sampled in phases 1 and 3 (/proc of its processes).
// Targets (issue 18) are printed beside the figures; nothing here fails on a missed target.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { watchResource, type Watch } from "../chaos/watch";
import { ANNOTATION_SCHEDULED_TIME } from "../capabilities/workloads/kinds/cronjob/build-job";
import { apiRequest, kubectl, startCluster, type Cluster } from "../devenv/controlplane/cluster";
import { ensureModuleBuilt, prepareCluster } from "../devenv/lib/module";
import {
  httpGet,
  startOperator,
  stopOperators,
  waitUntilLeading,
  type OperatorProcess,
} from "../devenv/lib/operator";
import { parseMetrics } from "../devenv/lib/prometheus";
import { sleep } from "../devenv/lib/processes";
import { AuditCounter } from "./lib/audit-counter";
import { applyAll, kubectlAsync, lineProgress } from "../devenv/lib/kubectl-async";
import { percentile } from "../devenv/lib/percentile";
import { passDone, readLog, started } from "./lib/operator-log";
import { pollUntil, seconds } from "./lib/poll";
import { memoryCgroup, type MemoryCgroup } from "./lib/memory-limit";
import { cpuSecondsOf, mib, ProcessSampler } from "./lib/process-sampler";

const NAMESPACE = "scale";
const GROUP_PATH = "/apis/highlander.plexobject.io/v1";

interface Options {
  count: number;
  crons: number;
  idleSeconds: number;
  cronTicks: number;
  timeoutMs: number;
  applyWorkers: number;
  /** Run both operators as in a container with this memory limit (0: none). */
  memoryLimitMiB: number;
}

function parseArgs(args: string[]): Options {
  const opts: Options = {
    count: 1000,
    crons: 100,
    idleSeconds: 60,
    cronTicks: 2,
    timeoutMs: 20 * 60_000,
    applyWorkers: 4,
    memoryLimitMiB: 0,
  };
  const flags: Record<string, (v: number) => void> = {
    "--count": v => (opts.count = v),
    "--crons": v => (opts.crons = v),
    "--idle-seconds": v => (opts.idleSeconds = v),
    "--cron-ticks": v => (opts.cronTicks = v),
    "--timeout-min": v => (opts.timeoutMs = v * 60_000),
    "--apply-workers": v => (opts.applyWorkers = v),
    "--memory-limit-mib": v => (opts.memoryLimitMiB = v),
  };
  for (let i = 0; i < args.length; i += 2) {
    const set = flags[args[i] ?? ""];
    const value = Number.parseInt(args[i + 1] ?? "", 10);
    if (!set)
      throw new Error(`unknown argument ${args[i]} (known: ${Object.keys(flags).join(" ")})`);
    if (!(value >= 0)) throw new Error(`${args[i]} needs a non-negative integer`);
    set(value);
  }
  if (opts.count < 1 || opts.applyWorkers < 1 || opts.timeoutMs < 1) {
    throw new Error("--count, --apply-workers and --timeout-min must be at least 1");
  }
  return opts;
}

function log(line: string): void {
  process.stderr.write(`[scale] ${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

const name = (prefix: string, i: number) => `${prefix}-${String(i).padStart(5, "0")}`;

function barePod(i: number): object {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: name("bare", i), namespace: NAMESPACE },
    spec: { containers: [{ name: "main", image: "busybox", command: ["sleep", "3600"] }] },
  };
}

function workload(kind: string, prefix: string, i: number, spec: object): object {
  return {
    apiVersion: "highlander.plexobject.io/v1",
    kind,
    metadata: { name: name(prefix, i), namespace: NAMESPACE },
    spec,
  };
}

const processSpec = { image: "busybox", script: { commands: ["sleep 3600"] } };
const cronSpec = {
  image: "busybox",
  schedule: "* * * * *",
  concurrencyPolicy: "Allow",
  script: { commands: ["true"] },
};

async function listItems<T>(cluster: Cluster, path: string): Promise<T[]> {
  const res = await apiRequest(cluster.server, cluster.pki, path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 200)}`);
  return (JSON.parse(res.body) as { items?: T[] }).items ?? [];
}

/** Reconciles the operator counted (its own metric), summed over kinds and results. */
async function reconciles(op: OperatorProcess): Promise<number> {
  const res = await httpGet(`${op.url}/metrics`, { authorization: `Bearer ${op.token}` });
  return parseMetrics(await res.text())
    .filter(s => s.name === "k8_highlander_reconcile_total")
    .reduce((a, s) => a + s.value, 0);
}

/**
 * One /metrics scrape with every workload present: its time and size, and the operator's longest
 * event-loop stall around it. The lag gauge is reset at each scrape, when its own family is rendered
 * (after the workloads' families), so a second scrape reads the stall of the first's remainder and of
 * its own workload families.
 */
async function scrapeCost(
  op: OperatorProcess,
): Promise<{ ms: number; bytes: number; lagS: number; heapKiB: number }> {
  const scrape = async () => {
    const res = await httpGet(`${op.url}/metrics`, { authorization: `Bearer ${op.token}` });
    return res.text();
  };
  const t0 = performance.now();
  const text = await scrape();
  const ms = performance.now() - t0;
  const metrics = parseMetrics(await scrape());
  const value = (name: string) => metrics.find(m => m.name === name)?.value ?? Number.NaN;
  return {
    ms,
    bytes: Buffer.byteLength(text),
    lagS: value("nodejs_eventloop_lag_max_seconds"),
    heapKiB: value("nodejs_heap_size_used_bytes") / 1024,
  };
}

/** Deletes every `resources` of the namespace and waits until the list at `path` is empty. */
async function deleteAll(
  c: Cluster,
  resources: string,
  path: string,
  deadline: number,
  extra: string[] = [],
): Promise<void> {
  // kubectl deletes one object after another: 10,000 take minutes.
  const counter = lineProgress(log, n => `${resources}: ${n} deletes sent`);
  await kubectlAsync(
    c.kubeconfig,
    ["delete", resources, "--all", "-n", NAMESPACE, "--wait=false", "-o", "name", ...extra],
    0,
    counter.onLine,
  ).finally(counter.stop);
  await pollUntil(
    log,
    `${resources} left`,
    async () => (await listItems(c, path)).length,
    n => n === 0,
    deadline,
  );
}

interface Status {
  status?: { active?: boolean; healthy?: boolean };
}

export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const dir = mkdtempSync(join(tmpdir(), "highlander-bench-scale-"));
  const deadline = () => Date.now() + opts.timeoutMs;
  let cluster: Cluster | undefined;
  let operators: OperatorProcess[] = [];
  const samplers: ProcessSampler[] = [];
  const cgroups = new Map<string, MemoryCgroup>();
  // Where each phase began, to say in which one an operator's memory peaked.
  const phases: Array<{ name: string; at: number }> = [];
  const phase = (name: string) => phases.push({ name, at: Date.now() });
  const phaseAt = (at: number) =>
    phases.filter(p => p.at <= at).at(-1)?.name ?? "starting the operators";
  let jobWatch: Watch | undefined;
  // HIGHLANDER_BENCH_KEEP=1 keeps the operators' logs and the API server's audit log after a good run.
  let keepDir = process.env.HIGHLANDER_BENCH_KEEP === "1";
  const interrupted = () => {
    for (const op of operators) op.kill("SIGKILL");
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  try {
    ensureModuleBuilt();
    // A kwok node takes 250 pods: enough nodes that every pod (and every cron Job's) is scheduled.
    const nodes = Math.max(2, Math.ceil((opts.count + opts.crons * (opts.cronTicks + 1)) / 200));
    cluster = await startCluster({
      dir: join(dir, "cluster"),
      ownerPid: process.pid,
      name: "scale",
      nodes,
      auditLog: true,
      auditOperatorReads: true,
      clientIdentities: ["scale-a", "scale-b"],
    });
    const c = cluster;
    const audit = new AuditCounter(c.auditLogPath!);
    prepareCluster(c.kubeconfig);
    kubectl(c.kubeconfig, ["create", "namespace", NAMESPACE]);
    const podsPath = `/api/v1/namespaces/${NAMESPACE}/pods`;
    const processesPath = `${GROUP_PATH}/namespaces/${NAMESPACE}/workloadprocesses`;
    const workloads = () =>
      Array.from({ length: opts.count }, (_, i) =>
        workload("WorkloadProcess", "proc", i, processSpec),
      );

    // The control plane's CPU (API server, etcd, scheduler, kwok...): what each phase costs it.
    const controlPlane = Object.values(c.pids).map(pid => new ProcessSampler(pid));
    samplers.push(...controlPlane);
    const controlPlaneCpu = () => cpuSecondsOf(controlPlane);

    // 1. The floor.
    log(`floor: applying ${opts.count} bare pods`);
    const f0 = Date.now();
    const fcp0 = controlPlaneCpu();
    await applyAll(
      c.kubeconfig,
      dir,
      Array.from({ length: opts.count }, (_, i) => barePod(i)),
      opts.applyWorkers,
      "bare",
      log,
    );
    const floorAppliedMs = Date.now() - f0;
    await pollUntil(
      log,
      "bare pods Running",
      async () =>
        (await listItems<{ status?: { phase?: string } }>(c, podsPath)).filter(
          p => p.status?.phase === "Running",
        ).length,
      n => n === opts.count,
      deadline(),
    );
    const floorMs = Date.now() - f0;
    const floorCp = controlPlaneCpu() - fcp0;
    log(`floor: ${seconds(floorMs)}; deleting them`);
    await deleteAll(c, "pods", podsPath, deadline(), ["--grace-period=0", "--force"]);

    // 1b. The workloads' own floor: the same resources applied with no operator running (the API
    // server validates each against the CRD's schema and its CEL rules), then deleted.
    log(`no operator: applying ${opts.count} WorkloadProcess`);
    const n0 = Date.now();
    const ncp0 = controlPlaneCpu();
    await applyAll(c.kubeconfig, dir, workloads(), opts.applyWorkers, "bare-proc", log);
    const crAppliedMs = Date.now() - n0;
    const crCp = controlPlaneCpu() - ncp0;
    log(`no operator: applied in ${seconds(crAppliedMs)}; deleting them`);
    await deleteAll(c, "workloadprocesses", processesPath, deadline());

    // 2. Leader and warm standby; the lock's own request rate.
    const env = { HIGHLANDER_LEASE_NAMESPACE: NAMESPACE, HIGHLANDER_LOG_LEVEL: "info" };
    const limit = opts.memoryLimitMiB;
    if (limit > 0) log(`operators limited to ${limit} MiB (a memory cgroup each, as in a pod)`);
    const cgroupFor = (name: string) => {
      if (limit === 0) return undefined;
      const group = memoryCgroup(`highlander-bench-${name}-${process.pid}`, limit);
      cgroups.set(name, group);
      return group.procsFile;
    };
    const a = await startOperator({
      name: "scale-a",
      kubeconfig: c.identities["scale-a"]!.kubeconfig,
      dir: join(dir, "a"),
      env,
      cgroupProcs: cgroupFor("scale-a"),
    });
    operators = [a];
    await waitUntilLeading(a);
    const b = await startOperator({
      name: "scale-b",
      kubeconfig: c.identities["scale-b"]!.kubeconfig,
      dir: join(dir, "b"),
      env,
      cgroupProcs: cgroupFor("scale-b"),
    });
    operators = [a, b];
    const sa = new ProcessSampler(a.pid);
    const sb = new ProcessSampler(b.pid);
    samplers.push(sa, sb);
    phase("idle with no workloads");
    await sleep(5000);
    const idleLeaderKiB = sa.rssKiB;
    const l0 = audit.mark();
    const l0t = Date.now();
    await sleep(20_000);
    const lockRate =
      audit.count(l0, audit.mark(), "scale-a").requests / ((Date.now() - l0t) / 1000);
    log(
      `leader idle with no workloads: ${mib(idleLeaderKiB)}, ${lockRate.toFixed(2)} requests/s (the lock)`,
    );

    // 3. N workloads to Active.
    log(`applying ${opts.count} WorkloadProcess`);
    phase("applying workloads");
    const w0 = Date.now();
    const before = audit.mark();
    const cpu0 = sa.cpuSeconds;
    const wcp0 = controlPlaneCpu();
    await applyAll(c.kubeconfig, dir, workloads(), opts.applyWorkers, "proc", log);
    const appliedMs = Date.now() - w0;
    await pollUntil(
      log,
      "Active and Healthy",
      async () =>
        (await listItems<Status>(c, processesPath)).filter(
          w => w.status?.active === true && w.status.healthy === true,
        ).length,
      n => n === opts.count,
      deadline(),
    );
    const activeMs = Date.now() - w0;
    const activeCp = controlPlaneCpu() - wcp0;
    const made = audit.count(before, audit.mark(), "scale-a");
    const perWorkload = (made.requests - lockRate * (activeMs / 1000)) / opts.count;
    const activeCpu = sa.cpuSeconds - cpu0;
    log(`all Active in ${seconds(activeMs)}`);

    // 4. Idle.
    phase("idle");
    await sleep(10_000); // let the last status writes and events drain
    const i0 = audit.mark();
    const i0r = await reconciles(a);
    const i0t = Date.now();
    await sleep(opts.idleSeconds * 1000);
    const idleS = (Date.now() - i0t) / 1000;
    const idleReconciles = ((await reconciles(a)) - i0r) / idleS;
    const idleRequests = audit.count(i0, audit.mark(), "scale-a").requests / idleS - lockRate;
    const leaderLoadedKiB = sa.rssKiB;
    const standbyKiB = sb.rssKiB;
    log(
      `idle: ${idleReconciles.toFixed(2)} reconciles/s, ${idleRequests.toFixed(2)} requests/s beyond the lock`,
    );
    phase("the /metrics scrape");
    const scraped = await scrapeCost(a);

    // 5. Graceful handoff.
    phase("the handoff");
    // Only an operator that died (out of memory, say) has exited by now.
    const exitedEarly = [a, b]
      .filter(op => op.child.exitCode !== null || op.child.signalCode !== null)
      .map(op => `${op.name} (${op.child.exitCode ?? op.child.signalCode})`);
    const t0 = audit.mark();
    const h0 = Date.now();
    a.kill("SIGTERM");
    await waitUntilLeading(b);
    // From the new leader's own log: a poll of its HTTP API is answered late while it reconciles.
    const actingAt = readLog(b).find(l => started(l) && l.at >= h0)?.at ?? Date.now();
    const ledMs = actingAt - h0;
    const passAt = await pollUntil(
      log,
      "the new leader's pass over every workload (0: not done)",
      async () => readLog(b).find(l => passDone(l) && l.at >= actingAt)?.at ?? 0,
      at => at > 0,
      deadline(),
      100,
    );
    const verifiedMs = passAt - actingAt;
    // Its writes of the lock (taking it, renewing) and of the fence are the handoff's own.
    const takeover = audit.count(t0, audit.mark(), "scale-b");
    const takeoverWrites = takeover.writes;
    await a.exited();
    log(
      `handoff: leads in ${seconds(ledMs)}, every workload reconciled ${seconds(verifiedMs)} later, ${takeoverWrites} writes`,
    );

    // 6. Cron ticks: measured where the Job is stored (the audit log's answer to the operator's
    // create) and where a client sees it (the bench's watch, which adds the API server's fan-out).
    phase("cron ticks");
    const delays: number[] = [];
    const c0 = audit.mark();
    let firstCountedTick = Number.POSITIVE_INFINITY;
    jobWatch = watchResource(
      c.server,
      c.pki,
      `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`,
      event => {
        const tick = Date.parse(
          event.object.metadata.annotations?.[ANNOTATION_SCHEDULED_TIME] ?? "",
        );
        if (event.type === "ADDED" && tick >= firstCountedTick) delays.push(Date.now() - tick);
      },
    );
    if (opts.crons > 0 && opts.cronTicks > 0) {
      log(
        `applying ${opts.crons} WorkloadCronJob (every minute); measuring ${opts.cronTicks} ticks`,
      );
      await applyAll(
        c.kubeconfig,
        dir,
        Array.from({ length: opts.crons }, (_, i) =>
          workload("WorkloadCronJob", "cron", i, cronSpec),
        ),
        opts.applyWorkers,
        "cron",
      );
      // Count from the first full minute at least 20 s away, so every cron exists before its tick.
      firstCountedTick = Math.ceil((Date.now() + 20_000) / 60_000) * 60_000;
      const lastTick = firstCountedTick + (opts.cronTicks - 1) * 60_000;
      await pollUntil(
        log,
        "cron Jobs seen",
        async () => delays.length,
        n => n >= opts.crons * opts.cronTicks,
        Math.min(deadline(), lastTick + 60_000),
        500,
      ).catch((err: unknown) => log(String(err)));
    }
    jobWatch.stop();
    // A Job's name ends in its tick, in minutes since the epoch (jobNameForTick).
    const createdDelays: number[] = [];
    for (const [name, at] of audit.created(c0, audit.mark(), "scale-b", "jobs")) {
      const tick = Number(/-(\d+)$/.exec(name)?.[1] ?? NaN) * 60_000;
      if (tick >= firstCountedTick) createdDelays.push(at - tick);
    }
    sb.sample();

    // 7. Delete everything.
    phase("deleting everything");
    const d0 = Date.now();
    await deleteAll(c, "workloadprocesses,workloadcronjobs", processesPath, deadline());
    const deletedMs = Date.now() - d0;

    const ratio = activeMs / floorMs;
    const per1000 = (x: number) => (x * 1000) / opts.count;
    const expectedJobs = opts.crons * opts.cronTicks;
    const delayLine = (list: number[]) => {
      if (list.length === 0) return "not measured";
      list.sort((a, b) => a - b);
      return `p50 ${seconds(percentile(list, 50))}, p99 ${seconds(percentile(list, 99))} (${list.length} Jobs of ${expectedJobs})`;
    };
    const lines = [
      `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; the control plane and kwok share these cores`,
      `bare pods → Running (floor):        ${seconds(floorMs)} for ${opts.count} (applied in ${seconds(floorAppliedMs)}); control plane CPU ${floorCp.toFixed(1)} s`,
      `WorkloadProcess applied, no operator: ${seconds(crAppliedMs)} for ${opts.count}; control plane CPU ${crCp.toFixed(1)} s (the resources' own cost)`,
      `WorkloadProcess → Active:           ${seconds(activeMs)} for ${opts.count}; ratio ${ratio.toFixed(2)}× the floor (target ≤ 1.5×); applied in ${seconds(appliedMs)}; control plane CPU ${activeCp.toFixed(1)} s (${(activeCp / floorCp).toFixed(2)}× the floor's)`,
      `API requests per workload:          ${perWorkload.toFixed(1)} (target ≤ 5; the audit log, the lock's rate taken off); ${(made.writes / opts.count).toFixed(1)} writes; operator CPU ${activeCpu.toFixed(1)} s`,
      `idle reconciles/s:                  ${idleReconciles.toFixed(2)} (target: none without a cause)`,
      `/metrics with ${opts.count} workloads:     ${(scraped.bytes / 2 ** 20).toFixed(1)} MiB in ${seconds(scraped.ms)}; longest event-loop stall around it ${(scraped.lagS * 1000).toFixed(0)} ms`,
      `idle requests/s beyond the lock:    ${idleRequests.toFixed(2)}, ${per1000(idleRequests).toFixed(2)} per 1,000 workloads (target < 0.1); the lock ${lockRate.toFixed(2)}/s`,
      `handoff: new leader leads in        ${seconds(ledMs)}`,
      `handoff: every workload reconciled  ${seconds(verifiedMs)} after leading (target < 5 s); ${takeover.requests} requests, ${takeoverWrites} writes of which the lock and fence take a few (target: no others)`,
      `cron tick → Job stored (${opts.crons} crons): ${delayLine(createdDelays)} (target p99 < 1 s; the audit log)`,
      `cron tick → Job seen on a watch:     ${delayLine(delays)}`,
      `RSS idle leader / with ${opts.count} / standby: ${mib(idleLeaderKiB)} / ${mib(leaderLoadedKiB)} / ${mib(standbyKiB)}; peak ${mib(Math.max(sa.peakHwmKiB, sb.peakHwmKiB))} (targets < 100 MiB idle)`,
      `largest RSS seen: leader ${mib(sa.peakRssKiB)} (${phaseAt(sa.peakRssAt)}), standby ${mib(sb.peakRssKiB)} (${phaseAt(sb.peakRssAt)}); heap in use with ${opts.count}: ${mib(scraped.heapKiB)}`,
      `operators that died before the handoff: ${exitedEarly.join(", ") || "none"}`,
      ...[...cgroups].map(
        ([name, group]) =>
          `${name} under its ${limit} MiB limit: peak ${mib(group.peakKiB())} (the kernel's count), ${group.oomKills()} OOM kills`,
      ),
      `memory per workload:                ${(((leaderLoadedKiB - idleLeaderKiB) * 1024) / opts.count / 1024).toFixed(1)} KiB (target < 50 KiB)`,
      `delete all → workloads gone:        ${seconds(deletedMs)}`,
    ];
    console.log("\nscale summary");
    for (const line of lines) console.log(line);
  } catch (err) {
    keepDir = true;
    log(`failed; the operators' logs and the cluster's logs are kept in ${dir}`);
    throw err;
  } finally {
    process.removeListener("SIGINT", interrupted);
    jobWatch?.stop();
    for (const s of samplers) s.stop();
    await stopOperators(...operators);
    for (const group of cgroups.values()) group.remove();
    await cluster?.stop();
    if (keepDir) log(`logs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
