// Leader election with the fence in between (docs/storage.md): the elector over the lock store, the
// tenant's HighlanderFence, and the leadership the manager follows, which acts only once the fence was
// advanced for its term. Also what /api/status reports of them: whether the lock storage answers, and
// whether the API server enforces the fence (checked once at start).
import type { HighlanderConfig } from "../config";
import type { Logger } from "../logging";
import { LeaderElector } from "../../storage/elector";
import { candidateIdentity } from "../../storage/identity";
import { lockKeyFor, type LockStore } from "../../storage/types";
import { ElectorLeadership } from "./elector-leadership";
import { awaitFenceInEffect } from "./fence-barrier";
import { Fence, fenceEnforcement, type FenceEnforcement } from "./fence";
import { FencedLeadership } from "./fenced-leadership";
import type { KubeClient } from "./kube-client";
import { listStamped, type ListScope } from "./workload-listing";

interface StorageHealth {
  connected: boolean;
  lastError: string | null;
}

export interface FencedElection {
  elector: LeaderElector;
  /** The lock's view: who holds it, since when, and its recent changes. */
  lock: ElectorLeadership;
  fence: Fence;
  /** What the manager follows: the lock and a fence advanced for the term. */
  leadership: FencedLeadership;
  storage(): StorageHealth;
  enforcement(): FenceEnforcement;
  /** Resolves once the API server was asked whether it enforces the fence. */
  enforcementChecked: Promise<FenceEnforcement>;
}

export function createFencedElection(opts: {
  config: HighlanderConfig;
  client: KubeClient;
  store: LockStore;
  scope: ListScope;
  log: Logger;
}): FencedElection {
  const { config, client, store, log } = opts;
  const storage: StorageHealth = { connected: false, lastError: null };
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
      storage.connected = false;
      storage.lastError = `${operation}: ${err instanceof Error ? err.message : String(err)}`;
      log.warn({ err, operation }, "lock storage error");
    },
  });
  const markConnected = () => {
    storage.connected = true;
    storage.lastError = null;
  };
  elector.on("newLeader", markConnected);
  elector.on("startedLeading", markConnected);
  const lock = new ElectorLeadership(elector, config.cluster.name);
  const fence = new Fence({
    client,
    tenant: config.tenant,
    stampedObjects: () => listStamped(client, opts.scope),
  });
  const leadership = new FencedLeadership({
    inner: lock,
    fence,
    retryMs: config.lease.retryPeriodMs,
    barrier: async epoch => {
      // Without the policy nothing would ever refuse the probe: no barrier to wait for.
      if ((await enforcementChecked).enforced !== true) return;
      const where = { client, tenant: config.tenant, fence: fence.name };
      const namespace = opts.scope.namespaces.find(ns => ns !== "") ?? "default";
      const outcome = await awaitFenceInEffect({ ...where, namespace }, epoch);
      if (outcome.enforced)
        log.debug(
          { fence: fence.name, epoch, probes: outcome.probes, ms: outcome.ms },
          `the API server applies fence epoch ${epoch}`,
        );
      else
        log.warn(
          { fence: fence.name, epoch, probes: outcome.probes, ms: outcome.ms },
          `acting without knowing that the API server applies fence epoch ${epoch}: ${outcome.why}`,
        );
    },
    log,
  });
  const enforcementChecked = fenceEnforcement(client).then(result => {
    enforcement = result;
    if (result.enforced) log.info({ fence: fence.name }, result.detail);
    else log.warn({ fence: fence.name }, result.detail);
    return result;
  });
  return {
    elector,
    lock,
    fence,
    leadership,
    storage: () => ({ ...storage }),
    enforcement: () => enforcement,
    enforcementChecked,
  };
}
