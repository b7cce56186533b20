// One chaos run against one lock backend: control plane with audit log, the backend, three replicas
// each behind its own proxies, the workloads, then faults one at a time with a settle period each,
// and finally the audit. Every wait is bounded; every process is registered for cleanup.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubectl, startCluster } from "../devenv/controlplane/cluster";
import { prepareCluster } from "../devenv/lib/module";
import { ensureBundle } from "./bundle";
import { sleep } from "../devenv/lib/processes";
import { startTcpProxy } from "../devenv/lib/tcp-proxy";
import { leaseNameFor } from "../storage/backends/lease-name";
import { readAuditLog } from "./audit-log";
import { audit } from "./auditor";
import { startBackend } from "./backend";
import { onCleanup } from "./cleanup";
import { FAULTS } from "./faults";
import type { FaultContext, FaultResult } from "./faults/types";
import { observeLeadership } from "./leadership";
import type { Backend, ChaosOptions } from "./options";
import { createReplica, type Replica } from "./replica";
import { countBy, leaderlessMs, takeoverStats, type BackendReport } from "./report";
import { seededRng } from "./rng";
import { watchResource, type WatchEvent } from "./watch";
import {
  applyWorkloads,
  CRON_NAME,
  CRON_PERIOD_S,
  PROCESS_NAME,
  touchWorkloads,
  replicaWritesAdmitted,
} from "./workloads";

const REPLICAS = ["replica-1", "replica-2", "replica-3"];
/** The operator's default lease (capabilities/config/keys.ts): the suite runs with the shipped timings. */
const LEASE_MS = 3000;
/** After each fault: wait for one leader (bounded), then let the workloads run this long. */
const SETTLE_MS = 8000;
const NS = "chaos";
const TENANT = "default";

export async function runBackend(backendName: Backend, opts: ChaosOptions): Promise<BackendReport> {
  const log = (m: string) =>
    process.stderr.write(`[chaos ${backendName}] ${new Date().toISOString()} ${m}\n`);
  const dir = mkdtempSync(join(tmpdir(), `highlander-chaos-${backendName}-`));
  log(`working in ${dir}`);
  const rng = seededRng(opts.seed);
  const startedAt = Date.now();
  const faults: FaultResult[] = [];
  const faultErrors: BackendReport["faultErrors"] = [];

  ensureBundle();
  const cluster = await startCluster({
    dir: join(dir, "cluster"),
    ownerPid: process.pid,
    auditLog: true,
    clientIdentities: REPLICAS,
    name: `chaos-${backendName}`,
  });
  onCleanup("control plane", () => cluster.stop());
  prepareCluster(cluster.kubeconfig);
  kubectl(cluster.kubeconfig, ["create", "namespace", NS]);

  const backend = await startBackend(backendName, dir, NS);
  onCleanup(`${backendName} lock store`, () => backend.stop());

  const apiPort = Number(new URL(cluster.server).port);
  const replicas: Replica[] = [];
  for (const name of REPLICAS) {
    const apiProxy = await startTcpProxy({ target: { host: "127.0.0.1", port: apiPort } });
    onCleanup(`${name} apiserver proxy`, () => apiProxy.stop());
    const storeProxy = backend.target ? await startTcpProxy({ target: backend.target }) : undefined;
    if (storeProxy) onCleanup(`${name} store proxy`, () => storeProxy.stop());
    const replica = await createReplica({
      name,
      kubeconfig: cluster.writeIdentityKubeconfig(name, `https://127.0.0.1:${apiProxy.port}`),
      dir: join(dir, name),
      env: { ...backend.env(storeProxy?.port), HIGHLANDER_TENANT: TENANT },
      apiProxy,
      storeProxy,
    });
    onCleanup(name, () => replica.stop());
    replicas.push(replica);
  }
  await Promise.all(replicas.map(r => r.start()));
  log("three replicas serving");

  const watchEvents: WatchEvent[] = [];
  const paths = [
    `/api/v1/namespaces/${NS}/pods`,
    `/api/v1/namespaces/${NS}/services`,
    `/apis/batch/v1/namespaces/${NS}/jobs`,
    `/apis/apps/v1/namespaces/${NS}/deployments`,
    `/apis/apps/v1/namespaces/${NS}/statefulsets`,
    ...["workloadprocesses", "workloadcronjobs", "workloadservices", "workloadpersistents"].map(
      r => `/apis/highlander.plexobject.io/v1/namespaces/${NS}/${r}`,
    ),
  ];
  for (const path of paths) {
    const w = watchResource(cluster.server, cluster.pki, path, e => {
      // Bounded: a run of hours makes far fewer changes than this.
      if (watchEvents.length < 2_000_000) watchEvents.push(e);
    });
    onCleanup(`watch ${path}`, () => w.stop());
  }
  const observer = observeLeadership(replicas);
  onCleanup("leadership observer", () => observer.stop());

  let generation = 0;
  const ctx: FaultContext = {
    rng,
    replicas,
    backend,
    cluster,
    observer,
    leaseMs: LEASE_MS,
    touchWorkloads: () => touchWorkloads(cluster.kubeconfig, NS, ++generation, log),
    replicaWritesAdmitted: () => replicaWritesAdmitted(cluster.kubeconfig, NS, REPLICAS[0]),
    log,
  };

  await applyWorkloads(cluster.kubeconfig, NS, dir);
  const first = await observer.waitForNewLeader(undefined, 60_000);
  log(`first leader: ${first?.name ?? "none within 60 s"}`);
  await sleep(SETTLE_MS + 4000);

  const candidates = FAULTS.filter(
    f => f.supports(backendName) && (opts.only.length === 0 || opts.only.includes(f.kind)),
  );
  if (candidates.length === 0)
    throw new Error(`no fault kind applies to ${backendName} with --only ${opts.only.join(",")}`);
  const loopDeadline = Date.now() + opts.minutes * 60_000;
  while (faults.length + faultErrors.length < opts.faults && Date.now() < loopDeadline) {
    const fault = rng.pick(candidates);
    log(`fault ${faults.length + faultErrors.length + 1}/${opts.faults}: ${fault.kind}`);
    try {
      const result = await fault.run(ctx);
      faults.push(result);
      log(
        `  ${fault.kind} on ${result.target}: takeover ${result.takeoverMs ?? "-"} ms; ${result.notes.join("; ")}`,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      faultErrors.push({ kind: fault.kind, error: message });
      log(`  ${fault.kind} failed: ${message}`);
      // Undo what a half-done fault may have left: resume and heal everything, start what died.
      backend.resume?.();
      for (const r of replicas) {
        r.signal("SIGCONT");
        r.apiProxy.release();
        r.storeProxy?.heal();
        if (!r.running()) await r.start().catch(() => undefined);
      }
    }
    await observer.waitForNewLeader(undefined, 30_000);
    await sleep(SETTLE_MS);
  }
  // Let the last ticks and writes land before judging.
  await sleep(2 * CRON_PERIOD_S * 1000);
  const endedAt = Date.now();
  await observer.stop();

  const auditEvents = readAuditLog(cluster.auditLogPath);
  const result = audit({
    audit: auditEvents,
    watch: watchEvents,
    samples: observer.samples,
    replicas: REPLICAS,
    leaseName: leaseNameFor(`highlander-leader-lock:${TENANT}`),
    leaseMs: LEASE_MS,
    podGapMarginMs: 6000,
    processNames: [PROCESS_NAME],
    cronName: CRON_NAME,
    cronPeriodS: CRON_PERIOD_S,
    startedAt,
    endedAt,
    apiOutages: faults
      .filter(f => f.kind === "restart-apiserver")
      .map(f => ({ from: f.startedAt, to: f.endedAt })),
    replicaStarts: replicas.flatMap(r => r.starts().map(s => ({ replica: r.name, ...s }))),
  });
  log(
    `audit log: ${cluster.auditLogPath ?? "none"}; ${auditEvents.length} events, ${watchEvents.length} watch events`,
  );
  return {
    backend: backendName,
    seed: opts.seed,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    faults,
    faultsByKind: countBy(faults, f => f.kind),
    faultErrors,
    violations: result.violations,
    violationsByKind: countBy(result.violations, v => v.kind),
    excused: result.excused,
    takeoverMs: takeoverStats(faults),
    leaderlessMs: leaderlessMs(observer.samples),
    fenceSource: result.fenceSource,
    terms: result.terms,
    writes: result.writes,
    barrier: result.barrier,
    auditEvents: auditEvents.length,
    watchEvents: watchEvents.length,
  };
}
