// What the HTTP surface needs from the runtime, as plain JSON-ready data. The runtime implements
// StatusSource; the server never reaches into the elector, storage or reconcilers itself.
// Times are ISO-8601 strings; epochs are numbers (fencing tokens fit easily in 2^53).

type Role = "leader" | "standby" | "observer";

interface InstanceStatus {
  id: string;
  tenant: string;
  cluster: string;
  role: Role;
  /** Epoch of this instance's current leadership term; null when it does not lead. */
  epoch: number | null;
  /** When this instance became leader; null when it does not lead. */
  leaderSince: string | null;
}

/** The lock as last read from storage. */
interface LeaderRecord {
  id: string;
  cluster: string;
  epoch: number;
  renewedAt: string;
  expiresAt: string;
}

export interface StorageStatus {
  type: string;
  /** Must already be masked (config's storageAddress does that). */
  address: string;
  connected: boolean;
  lastError: string | null;
}

export interface ChildStatus {
  /** Pod, Deployment, StatefulSet, CronJob, Job, Service, PersistentVolumeClaim… */
  kind: string;
  name: string;
  /** Pod phase, "3/3 ready", "suspended"… */
  status: string;
  node?: string;
  createdAt?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface WorkloadCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface WorkloadStatus {
  kind: string;
  namespace: string;
  name: string;
  active: boolean;
  healthy: boolean;
  message: string;
  children: ChildStatus[];
  lastError: string | null;
  conditions: WorkloadCondition[];
}

type LeadershipEventType = "acquired" | "lost" | "new-leader" | "failover";

export interface LeadershipEvent {
  at: string;
  type: LeadershipEventType;
  /** The instance the event is about (who acquired, lost or took over). */
  id: string;
  epoch: number;
  detail: string;
}

export interface ReadinessInputs {
  watchesSynced: boolean;
  /** Watches that gave up (e.g. forbidden by RBAC), each with its error; empty when all run. */
  lostWatches: string[];
  /** Watches whose first list has not arrived: reconciles would read their kind from the API server. */
  unsyncedCaches?: string[];
  storageReachable: boolean;
  isLeader: boolean;
  /**
   * Set when an installed CRD of ours lacks our schema (the predecessor's, or one it rewrote):
   * what is wrong and the command that installs ours (capabilities/workloads/crd/check.ts).
   */
  crdProblem?: string | null;
}

/** The tenant's fence in this cluster (docs/storage.md, "The fence"). */
interface FenceStatus {
  /** The HighlanderFence object's name. */
  name: string;
  /** The fence epoch this instance's writes carry; null when it does not write. */
  epoch: number | null;
  /** true: the API server refuses stale writes (policy installed); false: only this process checks. */
  enforcedByApiServer: boolean | null;
  detail: string;
}

export interface StatusSnapshot {
  instance: InstanceStatus;
  leader: LeaderRecord | null;
  storage: StorageStatus;
  fence: FenceStatus;
  workloads: WorkloadStatus[];
  /** Most recent first or last: the server sorts newest first. */
  events: LeadershipEvent[];
  readiness: ReadinessInputs;
}

/** A live pod's facts for /api/pods (the predecessor's PodInfo read them from the pod itself). */
export interface PodDetails {
  namespace: string;
  name: string;
  phase: string;
  node: string;
  createdAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The workload that owns it, from our labels. */
  workload: { kind: string; name: string };
}

export interface StatusSource {
  /** One consistent view; called per request, so it should be cheap (in-memory). */
  snapshot(): StatusSnapshot | Promise<StatusSnapshot>;
  /** Our tenant's pods as the API server has them, read per /api/pods request. Absent: not served. */
  pods?(): Promise<PodDetails[]>;
  /** Gives up leadership (release after stopping workloads). Absent: the route answers 501. */
  stepDown?(): Promise<void>;
}
