// One consistent view of this replica for /api/status, the dashboard and /readyz: who it is and who
// leads, the lock storage, the fence, the workloads it tracks and what readiness depends on.
import { storageAddress, type HighlanderConfig } from "../config";
import type { StatusSnapshot } from "../http/source";
import type { FencedElection } from "./fenced-election";
import type { ObjectCache } from "./object-cache";
import type { Watches } from "./watches";
import type { WorkloadTracker } from "./workload-tracker";

export function statusSnapshot(deps: {
  config: HighlanderConfig;
  election: FencedElection;
  tracker: WorkloadTracker;
  watches: Pick<Watches, "lost">;
  cache: Pick<ObjectCache, "unsynced">;
  crdProblem: () => string | null;
}): () => StatusSnapshot {
  const { config, election, tracker } = deps;
  const { leadership, lock, fence } = election;
  return () => {
    const leader = lock.leader();
    const isLeader = leadership.isLeader();
    const storage = election.storage();
    const enforcement = election.enforcement();
    return {
      instance: {
        id: leadership.id,
        tenant: config.tenant,
        cluster: config.cluster.name,
        role: config.remainsFollower ? "observer" : isLeader ? "leader" : "standby",
        epoch: leadership.fenceEpoch() ?? null,
        leaderSince: lock.leaderSince() ?? null,
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
        connected: storage.connected,
        lastError: storage.lastError,
      },
      fence: {
        name: fence.name,
        epoch: leadership.fenceEpoch() ?? null,
        enforcedByApiServer: enforcement.enforced,
        detail: enforcement.detail,
      },
      workloads: tracker.view(),
      events: lock.changes(),
      readiness: {
        watchesSynced: tracker.synced,
        lostWatches: deps.watches.lost(),
        unsyncedCaches: deps.cache.unsynced(),
        storageReachable: storage.connected,
        isLeader,
        crdProblem: deps.crdProblem(),
      },
    };
  };
}
