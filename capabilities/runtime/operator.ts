// The operator runtime beside Pepr's watcher: it owns the process-wide pieces Pepr lacks — leader
// election, our work queue, the HTTP port — and shuts them down in order on SIGTERM/SIGINT:
// stop acting, release the lock, close the port, exit.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import {
  loadConfig,
  storageAddress,
  describeConfig,
  ConfigError,
  type HighlanderConfig,
} from "../config";
import { cliVersion } from "../../cli/version";
import { createLogger, type Logger } from "../logging";
import { processLogger, setProcessLogger } from "../logging/pepr-bridge";
import {
  registerOperatorMetrics,
  recordBuildInfo,
  recordReconcile,
  setWorkqueueDepth,
  countWorkqueueRetry,
  countWorkqueueAdd,
  countWorkloadError,
  countWorkloadRetry,
  countWorkloadRetrySuccess,
  countClusterTransition,
  observeQueueWait,
  observeWork,
  reportLongestRunning,
  setClusterHealth,
  setClusterPriority,
  setControllerState,
  workloadErrorType,
  type WorkloadRef,
} from "../metrics";
import { createHttpServer, type HttpServer } from "../http";
import { kubeAuthApi } from "../http/kube-auth";
import type { StatusSnapshot } from "../http/source";
import { createLockStore } from "../../storage/factory";
import { LeaderElector } from "../../storage/elector";
import { FencedError, NotLeaderError } from "../../storage/guard";
import { candidateIdentity } from "../../storage/identity";
import { lockKeyFor, type LockStore } from "../../storage/types";
import {
  API_VERSION,
  KINDS,
  WORKLOAD_TYPES,
  typeOfKind,
  type WorkloadKindName,
} from "../workloads/crd/kinds";
import {
  LABEL_KIND,
  LABEL_MANAGED_BY,
  LABEL_TENANT,
  LABEL_WORKLOAD,
  MANAGED_BY,
  tenantLabelValue,
} from "../workloads/controllers/common/labels";
import { reconcileWorkload, tenantOf } from "../workloads/reconcilers/reconcile";
import type { ReconcileContext } from "../workloads/reconcilers/context";
import { applyConfigWorkloads, checkConfigWorkloads } from "./config-workloads";
import { crdName, crdProblemMessage, crdProblems, type InstalledCrd } from "../workloads/crd/check";
import { ElectorLeadership } from "./elector-leadership";
import { EventRecorder } from "./events";
import { Fence, fenceEnforcement, type FenceEnforcement } from "./fence";
import { FencedLeadership } from "./fenced-leadership";
import { KubeApiError, KubeClient, type KubeObject } from "./kube-client";
import { Manager, keyOf, parseKey, type WorkloadKey } from "./manager";
import { WorkQueue } from "./queue";
import { lockStoreConfig, operatorArgs } from "./storage-config";
import { Watches, watchScopes } from "./watches";
import { WorkloadTracker, type TrackedWorkload } from "./workload-tracker";
import { FenceRefusedError, GuardedWriter } from "./writer";

export function isBuildMode(): boolean {
  return process.env.PEPR_MODE === "build";
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return value;
}

/** Pepr's own HTTPS port (its health and metrics); 3000 as Pepr's manifests expect. */
export function peprPort(): number {
  return portFromEnv("HIGHLANDER_PEPR_PORT", 3000);
}

/** The running operator, once started; watch bindings hand it their events. */
interface Runtime {
  config: HighlanderConfig;
  manager: Manager;
  tracker: WorkloadTracker;
  log: Logger;
}

let runtime: Runtime | undefined;

/** A watch event on our custom resources: track it and queue a reconcile, if it is our tenant's. */
function onWorkloadEvent(obj: KubeObject, deleted = false): void {
  const rt = runtime;
  const meta = obj.metadata;
  if (!rt || !obj.kind || !meta?.name || !meta.namespace) return;
  if (tenantOf(obj) !== rt.config.tenant) return;
  const key: WorkloadKey = { kind: obj.kind, namespace: meta.namespace, name: meta.name };
  if (deleted) rt.tracker.remove(key);
  else rt.tracker.update(obj as TrackedWorkload);
  rt.manager.enqueue(key);
}

/** A watch event on children (pods, jobs, …): queue their workload, found from the child's labels. */
function onChildEvent(obj: KubeObject): void {
  const rt = runtime;
  const labels = obj.metadata?.labels ?? {};
  const type = WORKLOAD_TYPES.find(t => t === labels[LABEL_KIND]);
  const name = labels[LABEL_WORKLOAD];
  if (!rt || !type || !name || !obj.metadata?.namespace) return;
  if ((labels[LABEL_TENANT] || "default") !== rt.config.tenant) return;
  rt.manager.enqueue({ kind: KINDS[type].kind, namespace: obj.metadata.namespace, name });
}

function loadOrExit(): { config: HighlanderConfig; warnings: string[] } {
  // The predecessor's binary answered --version; so does ours, before any config is read.
  if (operatorArgs(process.argv.slice(2)).includes("--version")) {
    process.stdout.write(`highlander ${cliVersion()}\n`);
    process.exit(0);
  }
  try {
    const loaded = loadConfig({
      argv: operatorArgs(process.argv.slice(2)),
      env: process.env,
      hostname: hostname(),
    });
    const checked = checkConfigWorkloads(loaded.config.workloads);
    if (checked.problems.length > 0) throw new ConfigError(checked.problems);
    return { ...loaded, warnings: [...loaded.warnings, ...checked.warnings] };
  } catch (err) {
    const problems = err instanceof ConfigError ? [...err.problems] : [String(err)];
    processLogger().fatal({ problems }, `invalid configuration: ${problems.join("; ")}`);
    process.exit(2);
  }
}

/** What the operator lists: its tenant, in the watched namespaces ("" is every namespace). */
interface Scope {
  tenant: string;
  namespaces: string[];
}

async function listWorkloads(client: KubeClient, scope: Scope): Promise<TrackedWorkload[]> {
  const all: TrackedWorkload[] = [];
  for (const namespace of scope.namespaces) {
    for (const type of WORKLOAD_TYPES) {
      const items = await client.list<TrackedWorkload & KubeObject>({
        apiVersion: API_VERSION,
        kind: KINDS[type].kind,
        namespace: namespace || undefined,
      });
      all.push(...items.filter(item => tenantOf(item) === scope.tenant));
    }
  }
  return all;
}

/** The longest a failed WorkloadCronJob reconcile waits for its retry (see the queue below). */
const CRON_MAX_RETRY_MS = 1000;

/** The kinds of object the operator stamps with its epoch (children; workloads carry it in status). */
const STAMPED_KINDS = [
  { apiVersion: "v1", kind: "Pod" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "batch/v1", kind: "Job" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
];

/** Everything of our tenant that carries an epoch stamp: what a fence created afresh must exceed. */
async function listStamped(client: KubeClient, scope: Scope): Promise<KubeObject[]> {
  const selector = `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_TENANT}=${tenantLabelValue(scope.tenant)}`;
  const all: KubeObject[] = [...(await listWorkloads(client, scope))];
  for (const namespace of scope.namespaces) {
    for (const ref of STAMPED_KINDS) {
      all.push(...(await client.list({ ...ref, namespace: namespace || undefined }, selector)));
    }
  }
  return all;
}

/** A work-queue key as the workload metrics label it. */
function refOf(key: WorkloadKey): WorkloadRef {
  return {
    type: typeOfKind(key.kind as WorkloadKindName),
    name: key.name,
    namespace: key.namespace,
  };
}

export async function startOperator(): Promise<void> {
  const { config, warnings } = loadOrExit();
  const log = createLogger(config.logLevel);
  setProcessLogger(log);
  // Unknown keys and conflicting sources (docs/configuration.md promises they are logged).
  for (const warning of warnings) log.warn({ warning }, "configuration warning");
  registerOperatorMetrics();
  setControllerState("idle");
  recordBuildInfo({
    version: cliVersion(),
    tenant: config.tenant,
    cluster: config.cluster.name,
    storage: config.storageType,
  });
  setClusterPriority(config.cluster.name, config.remainsFollower);
  const client = new KubeClient();
  log.info({ apiServer: client.server, config: describeConfig(config) }, "starting highlander");
  const scope: Scope = { tenant: config.tenant, namespaces: watchScopes(config.watchNamespaces) };
  if (config.watchNamespaces.length > 0) {
    log.info(
      { watchNamespaces: config.watchNamespaces },
      `watching only ${config.watchNamespaces.join(", ")}: workloads in other namespaces are left alone`,
    );
  }

  let store: LockStore;
  try {
    store = await createLockStore(lockStoreConfig(config));
  } catch (err) {
    log.fatal({ err }, `cannot open the ${config.storageType} lock storage`);
    process.exit(1);
  }
  let storageError: string | null = null;
  let storageOk = false;
  let enforcement: FenceEnforcement = { enforced: null, detail: "not checked yet" };
  const elector = new LeaderElector({
    store,
    key: lockKeyFor(config.tenant),
    identity: candidateIdentity(config.id),
    clusterName: config.cluster.name,
    observer: config.remainsFollower,
    leaseDurationMs: config.lease.durationMs,
    renewDeadlineMs: config.lease.renewDeadlineMs,
    retryPeriodMs: config.lease.retryPeriodMs,
    renewIntervalMs: config.lease.renewIntervalMs,
    // A leader that cannot renew keeps its term while the API server refuses stale writes: another
    // candidate must advance the fence first, and then our writes are refused (docs/storage.md).
    keepTermPastDeadline: () =>
      enforcement.enforced === true && !config.lease.stepDownAtRenewDeadline,
    onError: (err, operation) => {
      storageOk = false;
      storageError = `${operation}: ${err instanceof Error ? err.message : String(err)}`;
      log.warn({ err, operation }, "lock storage error");
    },
  });
  const lockLeadership = new ElectorLeadership(elector, config.cluster.name);
  const fence = new Fence({
    client,
    tenant: config.tenant,
    stampedObjects: () => listStamped(client, scope),
  });
  const leadership = new FencedLeadership({
    inner: lockLeadership,
    fence,
    retryMs: config.lease.retryPeriodMs,
    log,
  });
  // Our CRDs, not the predecessor's (its file, or the ones it rewrites at its start): an error at
  // start and in /readyz naming the command that installs ours; checked again every minute.
  let crdProblem: string | null = null;
  const checkCrds = async (first: boolean) => {
    try {
      const results = await Promise.all(
        WORKLOAD_TYPES.map(async type => {
          const name = crdName(type);
          const crd = await client
            .request<InstalledCrd>(
              "GET",
              `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
            )
            .catch((err: unknown) => {
              if (err instanceof KubeApiError && err.status === 404) return undefined;
              throw err;
            });
          return { name, problems: crdProblems(crd) };
        }),
      );
      const next = crdProblemMessage(results) ?? null;
      if (next !== null && (first || next !== crdProblem)) log.error({}, next);
      if (next === null && crdProblem !== null) log.info({}, "the installed CRDs are Highlander's");
      crdProblem = next;
    } catch (err) {
      // Forbidden (RBAC from before this check) or unreachable: we cannot tell; say so once.
      if (first) log.warn({ err }, "could not check the schema of the installed CRDs");
    }
  };
  void checkCrds(true);
  setInterval(() => void checkCrds(false), 60_000).unref();
  void fenceEnforcement(client).then(result => {
    enforcement = result;
    if (result.enforced) log.info({ fence: fence.name }, result.detail);
    else log.warn({ fence: fence.name }, result.detail);
    warnIfUnenforced();
  });
  // Without the policy (Kubernetes before 1.30, or manifests/fence not installed) each term says so
  // where users look: a Warning event on its HighlanderFence (`kubectl describe hlfence <tenant>`).
  let warnedEpoch: number | undefined;
  const warnIfUnenforced = () => {
    const epoch = leadership.fenceEpoch();
    if (enforcement.enforced !== false || epoch === undefined || warnedEpoch === epoch) return;
    warnedEpoch = epoch;
    void fence
      .read()
      .then(obj => {
        if (obj) return events.record(obj, "Warning", "FenceNotEnforced", enforcement.detail);
      })
      .catch(err => log.debug({ err }, "could not record the FenceNotEnforced event"));
  };
  const markStorageOk = () => {
    storageOk = true;
    storageError = null;
  };
  elector.on("newLeader", markStorageOk);
  elector.on("startedLeading", markStorageOk);

  // Events go through the writer of the mode we act in, fenced like every other write.
  const events = new EventRecorder(
    () => (manager.mode === "standby-cluster" ? standbyWriter : activeWriter),
    leadership.id,
    config.tenant,
    err => log.debug({ err }, "could not record an event"),
  );
  const tracker = new WorkloadTracker();
  const queue = new WorkQueue({
    // A reconcile is a few sequential API calls, so a worker mostly waits on the API server: with 4
    // workers 1,000 new workloads took 71 s to become Active, with 16 50-62 s (npm run bench --
    // reconcile, docs/benchmarks.md). A key still never runs on two workers at once.
    concurrency: 16,
    // A cron job's due tick must get its Job before the next tick replaces it (catch-up runs only the
    // latest): after an outage it is retried every second, not after a back-off of up to a minute.
    maxDelayMsFor: key =>
      parseKey(key).kind === "WorkloadCronJob" ? CRON_MAX_RETRY_MS : undefined,
    onDepth: setWorkqueueDepth,
    onAdd: () => countWorkqueueAdd(),
    onDequeue: waitedMs => observeQueueWait(waitedMs / 1000),
    onDone: workedMs => observeWork(workedMs / 1000),
    onRetry: (key, attempt, delayMs, err) => {
      countWorkqueueRetry();
      countWorkloadRetry(refOf(parseKey(key)));
      // The failure itself was logged once, with its resource, where it happened.
      log.debug(
        { key, attempt, delayMs, err: err instanceof Error ? err.message : String(err) },
        "reconcile failed; retrying",
      );
    },
  });

  reportLongestRunning(() => queue.longestRunningMs() / 1000);

  // The epoch source of each mode: a leader's term once the fence was advanced for it; a standby
  // cluster's keeper, this cluster's fence as advanced for the remote leader's term (it only stops
  // things). A refusal makes the leadership read the fence again (a newer term: resign).
  const writerOpts = {
    backend: store.backend,
    onRefused: () => leadership.refused(),
    log: log.child({ component: "writer" }),
  };
  const activeWriter = new GuardedWriter(client, leadership, writerOpts);
  const standbyWriter = new GuardedWriter(
    client,
    { check: () => leadership.standbyCheck() },
    writerOpts,
  );

  const manager: Manager = new Manager({
    queue,
    leadership,
    resyncPeriodMs: 60_000,
    listAll: async () => {
      const items = await listWorkloads(client, scope);
      tracker.replaceAll(items);
      return items.map(item => ({
        kind: item.kind,
        namespace: item.metadata?.namespace ?? "",
        name: item.metadata?.name ?? "",
      }));
    },
    onModeChange: (from, to) => {
      log.info({ from, to, leader: leadership.leader() }, `mode ${from} -> ${to}`);
      setClusterHealth(config.cluster.name, to === "active");
      setControllerState(to);
      if (to === "active" && config.workloads.length > 0) {
        applyConfigWorkloads(config, activeWriter, desired =>
          client.get<KubeObject & { spec?: Record<string, unknown> }>({
            apiVersion: desired.apiVersion ?? "",
            kind: desired.kind ?? "",
            namespace: desired.metadata?.namespace,
            name: desired.metadata?.name ?? "",
          }),
        ).catch(err => log.error({ err }, "could not apply config-file workloads"));
      }
    },
    onError: (err, what) => log.error({ err }, `error ${what}`),
    reconcile: async (key, mode, failures) => {
      const started = performance.now();
      const rc: ReconcileContext = {
        client,
        writer: mode === "active" ? activeWriter : standbyWriter,
        events,
        mode,
        tenant: config.tenant,
        cluster: config.cluster.name,
        leader: leadership.leader(),
        now: new Date(),
        failures,
        cronSeconds: process.env.HIGHLANDER_CRON_SECONDS === "true",
      };
      const kind = typeOfKind(key.kind as WorkloadKindName);
      try {
        const result = await reconcileWorkload(key, rc);
        tracker.recordError(key, null);
        // The queue forgets a key's failures only once this handler returns.
        if (queue.failures(keyOf(key)) > 0) countWorkloadRetrySuccess(refOf(key));
        log.debug(
          {
            resource: key,
            mode,
            ms: Math.round(performance.now() - started),
            requeueAfterMs: result?.requeueAfterMs,
          },
          "reconciled",
        );
        recordReconcile(
          kind,
          result?.requeueAfterMs !== undefined ? "requeue" : "success",
          (performance.now() - started) / 1000,
        );
        return result;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        tracker.recordError(key, message);
        recordReconcile(kind, "error", (performance.now() - started) / 1000);
        if (!(err instanceof NotLeaderError))
          countWorkloadError(refOf(key), workloadErrorType(err));
        // A stale stamp refused by the fence while we still think we lead is an error to see and
        // retry (the leadership reads the fence again and resigns if a newer term holds it).
        if (err instanceof FenceRefusedError || err instanceof FencedError) {
          log.warn({ resource: key, err: message }, "write refused by the fence; retrying");
          // On the resource too (kubectl describe). Written through the writer like any other write:
          // it lands only if we still hold the fence; a stale replica's event is refused as well.
          void events.record(
            {
              apiVersion: API_VERSION,
              kind: key.kind,
              metadata: { name: key.name, namespace: key.namespace },
            },
            "Warning",
            "WriteRefusedByFence",
            message,
          );
          throw err;
        }
        // Losing leadership mid-reconcile is expected, not an error of the workload.
        if (err instanceof NotLeaderError) {
          log.info({ resource: key, reason: message }, "write refused: not acting any more");
          return;
        }
        log.error({ resource: key, err: message }, "reconcile failed");
        throw err;
      }
    },
  });

  runtime = { config, manager, tracker, log };
  const watches = new Watches(
    config.watchNamespaces,
    { onWorkload: onWorkloadEvent, onChild: onChildEvent },
    log,
  );

  // Notified on every lock record change (renewals of a new term included); logged only when who
  // leads, or whether we do, changed.
  let lastLogged = "";
  let lastLeaderCluster: string | undefined;
  leadership.onChange(() => {
    const leader = lockLeadership.leader();
    if (leader) {
      countClusterTransition(lastLeaderCluster, leader.cluster);
      lastLeaderCluster = leader.cluster;
    }
    const isLeader = leadership.isLeader();
    const now = `${isLeader}|${leader?.id ?? ""}|${leader?.epoch ?? ""}`;
    if (now !== lastLogged) {
      lastLogged = now;
      log.info({ isLeader, leader }, "leadership changed");
    }
    warnIfUnenforced();
  });

  const snapshot = (): StatusSnapshot => {
    const leader = lockLeadership.leader();
    const isLeader = leadership.isLeader();
    return {
      instance: {
        id: leadership.id,
        tenant: config.tenant,
        cluster: config.cluster.name,
        role: config.remainsFollower ? "observer" : isLeader ? "leader" : "standby",
        epoch: leadership.fenceEpoch() ?? null,
        leaderSince: lockLeadership.leaderSince() ?? null,
      },
      leader: leader
        ? {
            id: leader.id,
            cluster: leader.cluster,
            epoch: leader.epoch,
            renewedAt: leader.renewedAt ?? "",
            expiresAt: leader.expiresAt ?? "",
          }
        : null,
      storage: {
        type: config.storageType,
        address: storageAddress(config),
        connected: storageOk,
        lastError: storageError,
      },
      fence: {
        name: fence.name,
        epoch: leadership.fenceEpoch() ?? null,
        enforcedByApiServer: enforcement.enforced,
        detail: enforcement.detail,
      },
      workloads: tracker.view(),
      events: lockLeadership.changes(),
      readiness: {
        watchesSynced: tracker.synced,
        lostWatches: watches.lost(),
        storageReachable: storageOk,
        isLeader,
        crdProblem,
      },
    };
  };

  const http: HttpServer = createHttpServer({
    port: config.port,
    version: cliVersion(),
    host: config.http.bindAddress === "" ? undefined : config.http.bindAddress,
    allowedHosts: config.http.allowedHosts,
    readAuth: config.api.readAuth,
    auth: {
      // Re-read on every request so a rotated Secret takes effect without a restart.
      staticToken: () =>
        config.api.tokenFile === ""
          ? config.api.token
          : readFileSync(config.api.tokenFile, "utf8").trim(),
      kube: kubeAuthApi((path, body) => client.request("POST", path, body)),
    },
    source: {
      snapshot,
      stepDown: async () => {
        if (!leadership.isLeader())
          throw new NotLeaderError("this instance is not the leader", "not-leading");
        manager.stop();
        await elector.stop();
        log.info("stepped down on request; exiting so the pod restarts as a fresh candidate");
        setTimeout(() => process.exit(0), 200).unref();
      },
    },
    logger: log,
    readyOnlyWhenLeader: config.readyOnlyWhenLeader,
    debugInfo: () => ({
      config: describeConfig(config),
      mode: manager.mode,
      queueDepth: queue.depth,
    }),
  });
  const port = await http.listen();
  log.info(
    { port, id: leadership.id, tenant: config.tenant, cluster: config.cluster.name },
    `serving HTTP on port ${port}`,
  );

  // The dashboard lists workloads on standby replicas too; the first list also marks watches synced.
  const refresh = () =>
    listWorkloads(client, scope)
      .then(items => tracker.replaceAll(items))
      .catch(err => log.debug({ err }, "listing workloads for the dashboard failed"));
  void refresh();
  setInterval(() => void refresh(), 10_000).unref();

  watches.start();
  manager.start();
  elector.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: stop acting, release the lock, exit");
    // Exit even if a step hangs (the Spanner client's own signal handlers do not exit).
    setTimeout(() => process.exit(1), config.terminationGracePeriodMs).unref();
    manager.stop();
    watches.stop();
    await elector.stop();
    await store.close().catch(() => {});
    await http.close().catch(() => {});
    log.info("stopped");
    process.exit(0);
  };
  // Ours alone: Pepr's handler exits as soon as its own server closes (before our lock is released)
  // and the Spanner client's handlers never exit.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
}
