// An in-memory LockStore for unit tests of the elector: correct semantics, plus switches that make
// calls fail or hang, and a log of every call.
import type { AcquireRequest, AcquireResult, LockRecord, LockStore } from "../types";

export type Mode = "ok" | "fail" | "hang";

export class MemoryLockStore implements LockStore {
  readonly backend = "redis" as const;
  mode: Mode = "ok";
  calls: string[] = [];
  private records = new Map<string, LockRecord>();
  private epochs = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  private gate<T>(op: string, fn: () => T): Promise<T> {
    this.calls.push(op);
    if (this.mode === "fail") return Promise.reject(new Error(`${op} failed (test)`));
    if (this.mode === "hang") return new Promise<T>(() => {});
    return Promise.resolve(fn());
  }

  /** Puts a record in place as if another process held the lock. */
  seed(key: string, holderId: string, leaseMs: number): LockRecord {
    const epoch = (this.epochs.get(key) ?? 0) + 1;
    this.epochs.set(key, epoch);
    const t = new Date(this.now());
    const record: LockRecord = {
      holderId,
      clusterName: "",
      epoch,
      acquiredAt: t,
      renewedAt: t,
      expiresAt: new Date(t.getTime() + leaseMs),
      metadata: {},
    };
    this.records.set(key, record);
    return record;
  }

  /** Puts a record of the predecessor's in place (no epoch), as it writes them. */
  seedPredecessor(key: string, holderId: string, leaseMs: number): LockRecord {
    const t = new Date(this.now());
    const record: LockRecord = {
      holderId,
      clusterName: "",
      epoch: 0,
      acquiredAt: t,
      renewedAt: t,
      expiresAt: new Date(t.getTime() + leaseMs),
      metadata: {},
      predecessor: true,
    };
    this.records.set(key, record);
    return record;
  }

  /** Deletes the record, as the predecessor's release does. */
  remove(key: string): void {
    this.records.delete(key);
  }

  tryAcquire(key: string, req: AcquireRequest): Promise<AcquireResult> {
    return this.gate("acquire", () => {
      const cur = this.records.get(key);
      const live = cur && cur.holderId !== "" && cur.expiresAt.getTime() > this.now();
      if (live && cur.holderId !== req.holderId) return { acquired: false, current: cur };
      const record = this.seed(key, req.holderId, req.leaseDurationMs);
      return { acquired: true, record, previous: cur };
    });
  }

  renew(key: string, holderId: string, epoch: number, ms: number) {
    return this.gate("renew", () => {
      const cur = this.records.get(key);
      if (!cur || cur.holderId !== holderId || cur.epoch !== epoch) return undefined;
      if (cur.expiresAt.getTime() <= this.now()) return undefined;
      const t = new Date(this.now());
      const next = { ...cur, renewedAt: t, expiresAt: new Date(t.getTime() + ms) };
      this.records.set(key, next);
      return next;
    });
  }

  release(key: string, holderId: string, epoch: number) {
    return this.gate("release", () => {
      const cur = this.records.get(key);
      if (!cur || cur.holderId !== holderId || cur.epoch !== epoch) return false;
      this.records.set(key, { ...cur, holderId: "" });
      return true;
    });
  }

  get(key: string) {
    return this.gate("get", () => this.records.get(key));
  }

  async close(): Promise<void> {}
}
