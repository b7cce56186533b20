// The operator runtime beside Pepr's watcher, put together: configuration, the lock store and the
// fenced election, the guarded writers, the work queue and its manager, our watches, the HTTP port,
// and an orderly shutdown on SIGTERM/SIGINT (stop acting, release the lock, close the port, exit).
// Each piece lives in a file of its own; this one only wires them.
import { describeConfig } from "../config";
import { cliVersion } from "../../cli/version";
import { createLogger } from "../logging";
import { setProcessLogger } from "../logging/pepr-bridge";
import {
  registerOperatorMetrics,
  recordBuildInfo,
  setClusterHealth,
  setClusterPriority,
  setControllerState,
} from "../metrics";
import { createLockStore } from "../../storage/factory";
import type { LockStore } from "../../storage/types";
import { cronjobNames } from "../workloads/kinds/cronjob/names";
import { applyConfigWorkloads } from "./config-workloads";
import { EventRecorder } from "./events";
import { createFencedElection } from "./fenced-election";
import { watchInstalledCrds } from "./installed-crds";
import { KubeClient, type KubeObject } from "./kube-client";
import { reportLeadershipChanges } from "./leadership-reports";
import { Manager } from "./manager";
import { serveOperatorHttp } from "./operator-http";
import { createOperatorQueue } from "./operator-queue";
import { clockSharpener } from "./clock-sharpener";
import { reconcileHandler } from "./reconcile-handler";
import { exitOnSignals } from "./shutdown";
import { loadConfigOrExit } from "./startup-config";
import { statusSnapshot } from "./status-snapshot";
import { lockStoreConfig } from "./storage-config";
import { watchEventSink } from "./watch-events";
import { Watches, watchScopes } from "./watches";
import { CachedReader, writesInto } from "./cached-reader";
import { ObjectCache } from "./object-cache";
import {
  cachedWorkloads,
  listWorkloads,
  workloadsOnceSynced,
  type ListScope,
} from "./workload-listing";
import { WorkloadTracker } from "./workload-tracker";
import { GuardedWriter } from "./writer";

/** How long a new mode waits for the caches to sync before it lists workloads from the API server. */
const CACHE_SYNC_WAIT_MS = 30_000;

export async function startOperator(): Promise<void> {
  const { config, warnings } = loadConfigOrExit();
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
  const scope: ListScope = {
    tenant: config.tenant,
    namespaces: watchScopes(config.watchNamespaces),
  };
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
  const election = createFencedElection({ config, client, store, scope, log });
  const { elector, leadership } = election;
  const crdProblem = watchInstalledCrds(client, log);

  // What the watches deliver, and what our own writes got back (so a read right after a write is
  // never older than it): reconciles read from here.
  const cache = new ObjectCache();
  // The epoch source of each mode: a leader's term once the fence was advanced for it; a standby
  // cluster's keeper, this cluster's fence as advanced for the remote leader's term (it only stops
  // things). A refusal makes the leadership read the fence again (a newer term: resign).
  const writerOpts = {
    backend: store.backend,
    onRefused: () => leadership.refused(),
    log: log.child({ component: "writer" }),
    written: writesInto(cache),
  };
  const writers = {
    active: new GuardedWriter(client, leadership, writerOpts),
    standby: new GuardedWriter(client, { check: () => leadership.standbyCheck() }, writerOpts),
  };
  // Events go through the writer of the mode we act in, fenced like every other write.
  const events = new EventRecorder(
    () => (manager.mode === "standby-cluster" ? writers.standby : writers.active),
    leadership.id,
    config.tenant,
    err => log.debug({ err }, "could not record an event"),
  );
  const tracker = new WorkloadTracker();
  const sharpenClock = clockSharpener({
    probeAt: () => client.apiClock.probeAt(),
    localNow: () => client.apiClock.localNow(),
    probe: () => client.request("GET", "/version"),
  });
  const queue = createOperatorQueue(log, client.apiClock, sharpenClock);

  const manager: Manager = new Manager({
    queue,
    leadership,
    // A new leader's first look at a cron job must not wait behind every other workload's.
    urgentOnRelist: key => key.kind === cronjobNames.kind,
    listAll: async () => {
      const items = await workloadsOnceSynced(cache, client, scope, CACHE_SYNC_WAIT_MS);
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
        applyConfigWorkloads(config, writers.active, desired =>
          client.get<KubeObject & { spec?: Record<string, unknown> }>({
            apiVersion: desired.apiVersion ?? "",
            kind: desired.kind ?? "",
            namespace: desired.metadata?.namespace,
            name: desired.metadata?.name ?? "",
          }),
        ).catch(err => log.error({ err }, "could not apply config-file workloads"));
      }
    },
    onRelistDone: ({ mode, workloads, ms }) =>
      log.info({ mode, workloads, ms }, `looked at every workload once in mode ${mode}`),
    onError: (err, what) => log.error({ err }, `error ${what}`),
    reconcile: reconcileHandler({
      // A WorkloadProcess's pod is only ever created (kinds/process): a cache miss needs no read.
      client: new CachedReader(cache, client, new Set(["Pod"])),
      writers,
      events,
      tracker,
      queue,
      tenant: config.tenant,
      cluster: config.cluster.name,
      leader: () => leadership.leader(),
      now: () => client.apiClock.now(),
      log,
    }),
  });

  const watches = new Watches(
    config.watchNamespaces,
    watchEventSink({ tenant: config.tenant, tracker, cache, enqueue: key => manager.enqueue(key) }),
    client,
    log,
  );
  reportLeadershipChanges(election, events, log);

  const http = await serveOperatorHttp({
    config,
    client,
    scope,
    election,
    manager,
    queue,
    snapshot: statusSnapshot({ config, election, tracker, watches, cache, crdProblem }),
    log,
  });

  // The dashboard lists workloads on standby replicas too (from the cache once it has synced, without
  // a request); the first list also marks watches synced.
  const refresh = () => {
    const cached = cachedWorkloads(cache, scope);
    if (cached) return void tracker.replaceAll(cached);
    listWorkloads(client, scope)
      .then(items => tracker.replaceAll(items))
      .catch(err => log.debug({ err }, "listing workloads for the dashboard failed"));
  };
  refresh();
  setInterval(refresh, 10_000).unref();

  watches.start();
  manager.start();
  elector.start();

  exitOnSignals(
    {
      stopActing: () => {
        manager.stop();
        watches.stop();
      },
      release: async () => {
        // Events already queued go out while we still hold the lock (for at most 2 s).
        await Promise.race([events.drained(), new Promise(resolve => setTimeout(resolve, 2000))]);
        await elector.stop();
        await store.close().catch(() => {});
      },
      close: () => http.close().catch(() => {}),
    },
    config.terminationGracePeriodMs,
    log,
  );
}
