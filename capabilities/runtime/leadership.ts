// What the controller manager needs to know about leadership, independent of the lock backend.
// storage/ provides the elector; an adapter (see operator.ts) presents it through this interface.

export interface LeaderInfo {
  id: string;
  cluster: string;
  epoch: number;
  renewedAt?: string;
  expiresAt?: string;
}

/** How this process should act on its cluster's workloads right now. */
export type Mode =
  /** We lead: reconcile everything of our tenant. */
  | "active"
  /** Another cluster's replica leads: keep this cluster's workloads stopped. */
  | "standby-cluster"
  /** A replica in our own cluster leads (or nobody does yet): do nothing, keep watches warm. */
  | "idle";

export interface Leadership {
  readonly id: string;
  readonly cluster: string;
  /** True while we lead within our renew deadline (monotonic clock). */
  isLeader(): boolean;
  /** Our epoch while we lead; throws a fencing error otherwise. Call right before every write. */
  check(): { epoch: number };
  /** The leader as last observed in storage (ourselves included), if any. */
  leader(): LeaderInfo | undefined;
  /** Called on every change of leader or of our own leadership. */
  onChange(listener: () => void): void;
}

/** The mode follows from who leads and where: a pure function, unit-tested. */
export function modeFor(
  isLeader: boolean,
  leader: LeaderInfo | undefined,
  ourCluster: string,
): Mode {
  if (isLeader) return "active";
  if (leader && leader.cluster !== ourCluster) return "standby-cluster";
  return "idle";
}
