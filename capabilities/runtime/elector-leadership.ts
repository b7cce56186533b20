// Presents storage's LeaderElector as the manager's Leadership, and remembers the recent leadership
// changes (acquired, lost, new leader, failover) for the dashboard and logs.
import type { LeaderElector, StopReason } from "../../storage/elector";
import type { ObservedLock } from "../../storage/guard";
import type { LockRecord } from "../../storage/types";
import type { LeaderInfo, Leadership } from "./leadership";

interface LeadershipChange {
  at: string;
  type: "acquired" | "lost" | "new-leader" | "failover";
  id: string;
  epoch: number;
  detail: string;
}

const KEEP_CHANGES = 50;

function toInfo(record: LockRecord): LeaderInfo | undefined {
  if (!record.holderId) return undefined;
  return {
    id: record.holderId,
    cluster: record.clusterName,
    epoch: record.epoch,
    renewedAt: record.renewedAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
  };
}

export class ElectorLeadership implements Leadership {
  readonly #listeners: Array<() => void> = [];
  readonly #changes: LeadershipChange[] = [];
  #leader: LeaderInfo | undefined;
  #leaderSince: string | undefined;
  /**
   * Who we saw leading just before storage first named us. The elector reports our own record
   * (newLeader) before it emits startedLeading, so by then #leader already names us; without this
   * a standby taking over from a crashed leader would never record the failover.
   */
  #takenFrom: LeaderInfo | undefined;

  constructor(
    private readonly elector: LeaderElector,
    readonly cluster: string,
  ) {
    elector.on("startedLeading", epoch => this.#started(epoch));
    elector.on("stoppedLeading", reason => this.#stopped(reason));
    elector.on("newLeader", record => this.#observed(record));
  }

  get id(): string {
    return this.elector.identity;
  }

  isLeader(): boolean {
    return this.elector.isLeader();
  }

  check(): { epoch: number } {
    return this.elector.guard.check();
  }

  /** The lock's holder as last read, while that read is within the renew deadline. */
  freshObservation(): ObservedLock | undefined {
    return this.elector.guard.freshObservation();
  }

  /** freshObservation(), or a counted NotLeaderError: what a standby cluster's write asks first. */
  checkObserved(): ObservedLock {
    return this.elector.guard.checkObserved();
  }

  /** True while we lead but have not renewed within the renew deadline (the term may be kept). */
  renewOverdue(): boolean {
    return this.elector.renewOverdue();
  }

  /** Gives up the current term (the fence names a newer one) and campaigns again. */
  resign(): void {
    this.elector.resign();
  }

  leader(): LeaderInfo | undefined {
    const known = this.#leader;
    // Events carry the record as it was at a change of leader; renewals since then are in the
    // elector's latest record (same holder, same epoch), so the renewal times shown stay current.
    const fresh = this.elector.lastRecord();
    if (known && fresh && fresh.holderId === known.id && fresh.epoch === known.epoch)
      return toInfo(fresh);
    return known;
  }

  /** When this process became leader (ISO time), while it leads. */
  leaderSince(): string | undefined {
    return this.isLeader() ? this.#leaderSince : undefined;
  }

  changes(): LeadershipChange[] {
    return [...this.#changes];
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #record(change: Omit<LeadershipChange, "at">): void {
    this.#changes.push({ at: new Date().toISOString(), ...change });
    if (this.#changes.length > KEEP_CHANGES) this.#changes.shift();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  #started(epoch: number): void {
    const previous = this.#takenFrom ?? this.#leader;
    this.#takenFrom = undefined;
    this.#leader = { id: this.id, cluster: this.cluster, epoch };
    this.#leaderSince = new Date().toISOString();
    this.#record({
      type: "acquired",
      id: this.id,
      epoch,
      detail: `this instance leads with epoch ${epoch}`,
    });
    if (previous && previous.id !== this.id) {
      this.#record({
        type: "failover",
        id: this.id,
        epoch,
        detail: `took over from ${previous.id} (${previous.cluster})`,
      });
    }
    this.#notify();
  }

  #stopped(reason: StopReason): void {
    const epoch = this.#leader?.epoch ?? 0;
    this.#record({ type: "lost", id: this.id, epoch, detail: `stopped leading: ${reason}` });
    if (this.#leader?.id === this.id) this.#leader = undefined;
    this.#notify();
  }

  #observed(record: LockRecord): void {
    const info = toInfo(record);
    const previous = this.#leader;
    if (info?.id === this.id && previous?.id !== this.id) this.#takenFrom = previous;
    this.#leader = info ?? (previous?.id === this.id ? previous : undefined);
    if (info && info.id !== this.id) {
      this.#record({
        type: "new-leader",
        id: info.id,
        epoch: info.epoch,
        detail: `${info.id} leads in cluster ${info.cluster}`,
      });
      if (previous && previous.id !== info.id) {
        this.#record({
          type: "failover",
          id: info.id,
          epoch: info.epoch,
          detail: `took over from ${previous.id} (${previous.cluster})`,
        });
      }
    }
    this.#notify();
  }
}
