// The storage contract every leader-lock backend implements. A lock is one record per key; each
// successful acquisition carries an epoch (fencing token) strictly greater than every earlier one
// for that key, which later writers use to refuse stale leaders.

// "http" is the lease service's client (functions/client.ts): a LockStore that talks to the
// serverless lease service, which itself runs on one of the others (Spanner).
type BackendType = "kubernetes" | "redis" | "db" | "spanner" | "http";

/** Everything known about the current (or last) holder of a lock. */
export interface LockRecord {
  /** Holder identity; "" when the lock was released. */
  holderId: string;
  clusterName: string;
  /** Fencing token of the acquisition that produced this record. */
  epoch: number;
  acquiredAt: Date;
  renewedAt: Date;
  /**
   * When the lease runs out. Server time for Redis, PostgreSQL and Spanner. For the Kubernetes Lease
   * it is renewTime + leaseDurationSeconds as written by the holder: informational only, since
   * takeover there is judged on the candidate's own monotonic clock (see backends/kubernetes.ts).
   */
  expiresAt: Date;
  /** Free-form JSON the holder stored with the lock (may be empty). */
  metadata: Record<string, string>;
  /**
   * Written by the predecessor, k8-highlander, sharing the store during a rolling upgrade
   * (storage/predecessor.ts): it has no epoch (0 here) and deletes its record on release, so a
   * record of it that disappears is free at once.
   */
  predecessor?: boolean;
}

export interface AcquireRequest {
  holderId: string;
  clusterName: string;
  leaseDurationMs: number;
  metadata?: Record<string, string>;
  /**
   * The caller decided to acquire on what its get() just returned: a backend may write on that copy
   * instead of reading again (the write is a compare-and-swap either way, so a stale copy only loses).
   */
  onLastRead?: boolean;
}

export type AcquireResult =
  | {
      acquired: true;
      record: LockRecord;
      /** The record this acquisition replaced, when another holder (or a release) came before. */
      previous?: LockRecord;
    }
  | { acquired: false; current?: LockRecord };

export interface LockStore {
  readonly backend: BackendType;
  /**
   * Takes the lock when it is free, released, expired, or already ours; every success starts a new
   * epoch. Losing a race is `{acquired: false}`, not an error; errors mean "could not tell".
   */
  tryAcquire(key: string, request: AcquireRequest): Promise<AcquireResult>;
  /**
   * Extends the lease of holder (id, epoch). Resolves the new record, or undefined when the lock is
   * no longer held by exactly that (id, epoch) — in which case nothing was changed.
   */
  renew(
    key: string,
    holderId: string,
    epoch: number,
    leaseDurationMs: number,
  ): Promise<LockRecord | undefined>;
  /** Releases the lock only if (id, epoch) still holds it; never touches another holder's lock. */
  release(key: string, holderId: string, epoch: number): Promise<boolean>;
  /** The current record, or undefined when there is none (released records are returned). */
  get(key: string): Promise<LockRecord | undefined>;
  /**
   * Optional: every record whose key starts with `prefix` (released ones included), ordered by key,
   * at most `limit`. Only backends that can list cheaply implement it (Spanner, for the lease
   * service's listing and dashboard).
   */
  list?(prefix: string, limit?: number): Promise<KeyedLockRecord[]>;
  close(): Promise<void>;
}

export interface KeyedLockRecord {
  key: string;
  record: LockRecord;
}

/** Lock key of a tenant, shared with the predecessor so both never lead at once during a move. */
export function lockKeyFor(tenant: string): string {
  return `highlander-leader-lock:${tenant}`;
}
