// The predecessor's API shapes (k8-highlander c0e9602), served beside ours where its clients expect
// them: its HealthStatus keys in /api/status (pkg/monitoring/monitoring.go), its workload-manager map
// for /api/workloads?shape=k8-highlander and /api/workloads/{manager} (pkg/workloads/manager.go
// GetAllStatuses, the four managers' GetStatus, pkg/common/workloads.go WorkloadStatus), and its pod
// fields in /api/pods (pkg/service/highlander_service.go PodInfo). Pure functions of the snapshot.
// capabilities/compat/recorded/ holds its real answers, which predecessor-recorded.test.ts compares.
import type { ChildStatus, PodDetails, StatusSnapshot, WorkloadStatus } from "./source";
import { safeStorage, type PodView } from "./views";

/** The query value that selects the predecessor's shape: `/api/workloads?shape=k8-highlander`. */
export const PREDECESSOR_SHAPE = "k8-highlander";

/** Go's zero time.Time, which its JSON carried for "never". */
export const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

/** Its four managers: the /api/workloads key, the manager's type and its details key. */
export const PREDECESSOR_MANAGERS = {
  processes: { kind: "WorkloadProcess", type: "processManager", details: "processes" },
  cronjobs: { kind: "WorkloadCronJob", type: "cronjobManager", details: "cronJobs" },
  service: { kind: "WorkloadService", type: "serviceManager", details: "service" },
  persistent: { kind: "WorkloadPersistent", type: "persistentManager", details: "persistent" },
} as const;

export type ManagerName = keyof typeof PREDECESSOR_MANAGERS;

const WORKLOAD_TYPE: Record<string, string> = {
  WorkloadProcess: "process",
  WorkloadCronJob: "cronjob",
  WorkloadService: "service",
  WorkloadPersistent: "persistent",
};

export function isManagerName(name: string): name is ManagerName {
  return Object.prototype.hasOwnProperty.call(PREDECESSOR_MANAGERS, name);
}

/** Its WorkloadStatus of one workload. */
export interface PredecessorWorkloadStatus {
  name: string;
  type: string;
  active: boolean;
  healthy: boolean;
  lastError?: string;
  lastTransition: string;
  details: Record<string, unknown>;
}

function lastTransition(w: WorkloadStatus): string {
  const times = w.conditions
    .map(c => c.lastTransitionTime)
    .filter((t): t is string => typeof t === "string")
    .sort();
  return times.at(-1) ?? GO_ZERO_TIME;
}

function workloadStatus(w: WorkloadStatus): PredecessorWorkloadStatus {
  const out: PredecessorWorkloadStatus = {
    name: w.name,
    type: WORKLOAD_TYPE[w.kind] ?? w.kind,
    active: w.active,
    healthy: w.healthy,
    lastTransition: lastTransition(w),
    details: { namespace: w.namespace, message: w.message, children: w.children },
  };
  if (w.lastError) out.lastError = w.lastError;
  return out;
}

/** Its names were unique per type; ours are per namespace: a shared name gets its namespace. */
function uniqueName(w: WorkloadStatus, sameKind: readonly WorkloadStatus[]): string {
  const shared = sameKind.filter(o => o.name === w.name).length > 1;
  return shared ? `${w.namespace}/${w.name}` : w.name;
}

/**
 * Its HealthStatus.workloadStatus (pkg/monitoring/monitoring.go UpdateWorkloadStatus): by workload
 * type, then by name, `{active, namespace}`. All four types are present, empty when unused.
 */
function predecessorWorkloadStatus(
  workloads: readonly WorkloadStatus[],
): Record<string, Record<string, { active: boolean; namespace: string }>> {
  const out: Record<string, Record<string, { active: boolean; namespace: string }>> = {};
  for (const [kind, type] of Object.entries(WORKLOAD_TYPE)) {
    const mine = workloads.filter(w => w.kind === kind);
    out[type] = Object.fromEntries(
      mine.map(w => [uniqueName(w, mine), { active: w.active, namespace: w.namespace }]),
    );
  }
  return out;
}

/** One manager's status: healthy unless one of its workloads is unhealthy with an error. */
export function managerStatus(
  workloads: readonly WorkloadStatus[],
  manager: ManagerName,
): PredecessorWorkloadStatus {
  const info = PREDECESSOR_MANAGERS[manager];
  const mine = workloads.filter(w => w.kind === info.kind);
  const byName: Record<string, PredecessorWorkloadStatus> = {};
  for (const w of mine) byName[uniqueName(w, mine)] = workloadStatus(w);
  const failing = mine.find(w => !w.healthy && w.lastError);
  const out: PredecessorWorkloadStatus = {
    name: manager,
    type: info.type,
    active: true,
    healthy: failing === undefined,
    lastTransition: GO_ZERO_TIME,
    details: { [info.details]: byName },
  };
  if (failing) out.lastError = `${failing.name} is unhealthy: ${failing.lastError ?? ""}`;
  return out;
}

/** Its /api/workloads data: the four managers' statuses keyed by manager name. */
export function predecessorWorkloads(
  workloads: readonly WorkloadStatus[],
): Record<ManagerName, PredecessorWorkloadStatus> {
  return {
    processes: managerStatus(workloads, "processes"),
    cronjobs: managerStatus(workloads, "cronjobs"),
    service: managerStatus(workloads, "service"),
    persistent: managerStatus(workloads, "persistent"),
  };
}

export interface StatusFacts {
  now: Date;
  startedAt: Date;
  ready: boolean;
  version: string;
}

/**
 * Its HealthStatus keys that ours lacks (isLeader and leaderID are already ours). Values are ours,
 * honestly: controllerState is Normal when ready and storage answers, else Degraded; dbFailureCount
 * is 1 while the last storage operation failed (we keep no running count).
 */
export function predecessorStatusKeys(
  snapshot: StatusSnapshot,
  facts: StatusFacts,
): Record<string, unknown> {
  const events = [...snapshot.events].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const leaders = events.filter(e => e.type === "new-leader" || e.type === "acquired");
  const currentLeader = snapshot.leader?.id ?? "";
  const lastLeader = leaders.find(e => e.id !== currentLeader)?.id ?? "";
  const r = snapshot.readiness;
  const out: Record<string, unknown> = {
    leaderSince: snapshot.instance.leaderSince ?? GO_ZERO_TIME,
    lastLeaderTransition: leaders[0]?.at ?? GO_ZERO_TIME,
    // A Go time.Duration: nanoseconds.
    uptime: Math.max(0, facts.now.getTime() - facts.startedAt.getTime()) * 1_000_000,
    clusterName: snapshot.instance.cluster,
    clusterHealth: r.watchesSynced && r.lostWatches.length === 0,
    dbConnected: snapshot.storage.connected,
    storageType: snapshot.storage.type,
    controllerState: facts.ready && snapshot.storage.connected ? "Normal" : "Degraded",
    workloadStatus: predecessorWorkloadStatus(snapshot.workloads),
    readyForTraffic: facts.ready,
    version: facts.version,
    buildInfo: `highlander ${facts.version}`,
    failoverCount: events.filter(e => e.type === "failover").length,
    leadershipTransitions: events.filter(e => e.type === "acquired" || e.type === "lost").length,
    currentLeader,
    lastLeader,
    lastLeadershipChangeReason: events[0]?.detail ?? "",
    dbFailureCount: snapshot.storage.connected ? 0 : 1,
  };
  const lastError = safeStorage(snapshot.storage).lastError;
  if (lastError) out.lastError = lastError;
  return out;
}

export interface DebugFacts {
  now: Date;
  startedAt: Date;
  port: number;
  storageAddress: string;
  /** process.getActiveResourcesInfo().length: the goroutine_count metric's measure. */
  activeResources: number;
  memory: Pick<NodeJS.MemoryUsage, "heapUsed" | "rss">;
}

/**
 * Its DebugInfo keys for /debug/status (pkg/service/highlander_service.go GetDebugStatus), beside
 * ours. memoryStats keeps the two Go numbers Node has (alloc = heap in use, sys = resident set);
 * Node counts neither cumulative allocation nor GCs, so totalAlloc and numGC are left out.
 */
export function predecessorDebugKeys(
  healthStatus: Record<string, unknown>,
  facts: DebugFacts,
): Record<string, unknown> {
  return {
    healthStatus,
    uptime: Math.max(0, facts.now.getTime() - facts.startedAt.getTime()) * 1_000_000,
    startTime: facts.startedAt.toISOString(),
    goroutineCount: facts.activeResources,
    memoryStats: { alloc: facts.memory.heapUsed, sys: facts.memory.rss },
    serverInfo: { dbInfo: facts.storageAddress, port: String(facts.port) },
  };
}

/**
 * Our pods with their live facts (node, creation time, labels, annotations) where the API server
 * has them, plus our tenant's pods the tracked status does not list (those of Deployments,
 * StatefulSets and Jobs), as its /api/pods listed every pod it could see.
 */
export function withPodDetails(pods: readonly PodView[], live: readonly PodDetails[]): PodView[] {
  const byKey = new Map(live.map(p => [`${p.namespace}/${p.name}`, p]));
  const merged = pods.map(pod => {
    const facts = byKey.get(`${pod.namespace}/${pod.name}`);
    byKey.delete(`${pod.namespace}/${pod.name}`);
    if (!facts) return pod;
    const { node, createdAt, labels, annotations } = facts;
    return { ...pod, node, createdAt, labels, annotations };
  });
  const rest = [...byKey.values()].map(
    (p): PodView => ({
      kind: "Pod",
      name: p.name,
      status: p.phase,
      node: p.node,
      createdAt: p.createdAt,
      labels: p.labels,
      annotations: p.annotations,
      namespace: p.namespace,
      workload: p.workload,
    }),
  );
  return [...merged, ...rest];
}

/** Its PodInfo fields for one of our pods (empty maps when the pod was not read live). */
export function predecessorPodFields(
  child: ChildStatus,
  snapshot: Pick<StatusSnapshot, "leader" | "instance">,
  now: Date,
): Record<string, unknown> {
  const created = child.createdAt || GO_ZERO_TIME;
  const ageMs = child.createdAt ? Math.max(0, now.getTime() - Date.parse(child.createdAt)) : 0;
  return {
    node: child.node ?? "",
    createdAt: created,
    age: podAge(ageMs),
    controllerId: snapshot.leader?.id ?? "",
    clusterName: snapshot.leader?.cluster ?? snapshot.instance.cluster,
    labels: child.labels ?? {},
    annotations: child.annotations ?? {},
  };
}

/** Its pod age format (formatDuration): "3d4h", "2h5m", "4m3s" or "9s", rounded to seconds. */
export function podAge(ms: number): string {
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
