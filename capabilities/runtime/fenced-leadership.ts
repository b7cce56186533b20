// Leadership as the manager sees it, with the fence in between: holding the lock is not enough to act.
// A term acts only once the fence in this cluster was advanced for it, and writes are stamped with the
// fence's epoch, not the lock's. A standby cluster's keepers likewise advance their cluster's fence for
// the remote leader's term before they stop anything, so a stale local leader is fenced out there too.
// When the API server refuses one of our writes, the fence is read again: a newer term there means ours
// is over, and we resign (release the lock and campaign again) instead of acting on a stale term. A
// leader that cannot renew keeps its term (storage/elector.ts) and reads the fence every retry
// period meanwhile, so it resigns as soon as another candidate has taken over, even if it writes nothing.
import { NotLeaderError, type ObservedLock } from "../../storage/guard";
import type { Fence, Term } from "./fence";
import { fenceNamesHolder } from "./fence";
import type { LeaderInfo, Leadership } from "./leadership";

/** What this needs from the lock-based leadership (ElectorLeadership). */
export interface LockLeadership extends Leadership {
  resign(): void;
  /** We lead but have not renewed within the renew deadline. */
  renewOverdue(): boolean;
  /** The lock's holder as last read from storage, while that read is within the renew deadline. */
  freshObservation(): ObservedLock | undefined;
  /** freshObservation(), or a counted NotLeaderError. */
  checkObserved(): ObservedLock;
}

interface FencedLeadershipOptions {
  inner: LockLeadership;
  fence: Fence;
  /** Wait between attempts to advance the fence while the API server does not answer. */
  retryMs: number;
  /**
   * After an advance to a new epoch, before acting: resolves once the API server applies the epoch
   * (or gives up and says why; it does not throw). Absent: act as soon as the advance is answered.
   */
  barrier?: (epoch: number) => Promise<void>;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

interface FenceTerm {
  key: string;
  epoch: number;
  /** Acting already; the fence is still being told the new lock epoch. */
  recording?: boolean;
}

function keyOf(term: Term): string {
  return `${term.cluster}/${term.holder}/${term.lockEpoch}`;
}

export class FencedLeadership implements Leadership {
  readonly #listeners: Array<() => void> = [];
  /** Our own term, once the fence was advanced for it. */
  #own: FenceTerm | undefined;
  /** The remote leader's term, once this cluster's fence was advanced for it (standby cluster). */
  #standby: FenceTerm | undefined;
  /** The term an advance is running for (at most one at a time). */
  #advancing: string | undefined;
  #retry: NodeJS.Timeout | undefined;
  /** The local leader's term whose fence this standby has read (so a takeover is one write). */
  #warmed: string | undefined;
  /** The remote term as last computed: a look at the lock going stale (or fresh again) changes it. */
  #remoteSeen: string | undefined;

  constructor(private readonly opts: FencedLeadershipOptions) {
    opts.inner.onChange(() => this.#sync());
    setInterval(() => {
      if (this.isLeader() && opts.inner.renewOverdue()) this.refused();
      // Storage stopped answering (or answers again): a standby cluster's keeper stops (or resumes)
      // acting; the manager goes idle meanwhile and re-lists everything when it resumes.
      const remote = this.#remoteTerm();
      if ((remote && keyOf(remote)) !== this.#remoteSeen) this.#sync();
    }, opts.retryMs).unref();
  }

  get id(): string {
    return this.opts.inner.id;
  }

  get cluster(): string {
    return this.opts.inner.cluster;
  }

  /** The fence epoch our writes carry, while we lead. */
  fenceEpoch(): number | undefined {
    return this.isLeader() ? this.#own?.epoch : undefined;
  }

  isLeader(): boolean {
    const term = this.#ownTerm();
    return term !== undefined && this.#own?.key === keyOf(term);
  }

  check(): { epoch: number } {
    const { epoch: lockEpoch } = this.opts.inner.check();
    const key = keyOf({ holder: this.id, cluster: this.cluster, lockEpoch });
    if (this.#own?.key !== key)
      throw new NotLeaderError(
        `the fence has not been advanced for lock epoch ${lockEpoch} yet`,
        "not-leading",
      );
    return { epoch: this.#own.epoch };
  }

  /**
   * The epoch a standby cluster's keeper stamps: its cluster's fence for the remote leader's term,
   * while this replica's last look at the lock (which named that leader) is within the renew deadline.
   */
  standbyCheck(): { epoch: number } {
    this.opts.inner.checkObserved();
    const term = this.#remoteTerm();
    if (!term || this.#standby?.key !== keyOf(term))
      throw new NotLeaderError("no longer keeping a standby cluster", "not-leading");
    return { epoch: this.#standby.epoch };
  }

  /**
   * Who leads, as the lock names it. A remote leader shows only once this cluster's fence was
   * advanced for its term and while this replica's look at the lock is recent, so the manager enters
   * (and stays in) standby-cluster mode only when it can write.
   */
  leader(): LeaderInfo | undefined {
    const leader = this.opts.inner.leader();
    if (!leader || this.opts.inner.isLeader() || leader.cluster === this.cluster) return leader;
    const remote = this.#remoteTerm();
    return remote && this.#standby?.key === keyOf(remote) ? leader : undefined;
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** A write was refused by the fence: find out whether our term is over. */
  refused(): void {
    void this.#verify().catch(err =>
      this.opts.log.warn({ err }, "could not read the fence after a refused write"),
    );
  }

  async #verify(): Promise<void> {
    const current = (await this.opts.fence.read())?.spec;
    const own = this.#ownTerm();
    if (own && this.#own?.key === keyOf(own) && !fenceNamesHolder(current, own)) {
      this.opts.log.error(
        { fence: current, lockEpoch: own.lockEpoch },
        `the fence names a newer term (epoch ${current?.epoch}, ${current?.holder}): resigning`,
      );
      this.#own = undefined;
      this.opts.inner.resign();
      this.#notify();
      return;
    }
    const remote = this.#remoteTerm();
    if (remote && this.#standby?.key === keyOf(remote) && !fenceNamesHolder(current, remote)) {
      this.#standby = undefined;
      this.#sync();
    }
  }

  #ownTerm(): Term | undefined {
    if (!this.opts.inner.isLeader()) return undefined;
    try {
      const { epoch } = this.opts.inner.check();
      return { holder: this.id, cluster: this.cluster, lockEpoch: epoch };
    } catch {
      return undefined;
    }
  }

  /** The remote leader's term, while this replica's last look at the lock named it and is recent. */
  #remoteTerm(): Term | undefined {
    if (this.opts.inner.isLeader()) return undefined;
    const leader = this.opts.inner.leader();
    if (!leader || leader.cluster === this.cluster) return undefined;
    const seen = this.opts.inner.freshObservation();
    if (seen?.holderId !== leader.id || seen.epoch !== leader.epoch) return undefined;
    return { holder: leader.id, cluster: leader.cluster, lockEpoch: leader.epoch };
  }

  #sync(): void {
    const own = this.#ownTerm();
    const remote = this.#remoteTerm();
    this.#remoteSeen = remote && keyOf(remote);
    if (!own) this.#own = undefined;
    if (!remote) this.#standby = undefined;
    // We took the lock again without losing it in between (a renewal found it free): the same
    // process, so the term continues under its fence epoch while the fence records the lock epoch.
    if (own && this.#own && this.#own.key !== keyOf(own))
      this.#own = { key: keyOf(own), epoch: this.#own.epoch, recording: true };
    const wanted = own ?? remote;
    this.#warm(own === undefined && remote === undefined);
    if (wanted) {
      const held = own ? this.#own : this.#standby;
      if (held?.key !== keyOf(wanted) || held.recording) this.#advance(wanted, own !== undefined);
    }
    this.#notify();
  }

  /** A standby of our own cluster reads the fence once per term it sees begin. */
  #warm(standby: boolean): void {
    const leader = this.opts.inner.leader();
    if (!standby || !leader || leader.id === this.id || leader.cluster !== this.cluster) return;
    const key = `${leader.cluster}/${leader.id}/${leader.epoch}`;
    if (this.#warmed === key) return;
    this.#warmed = key;
    void this.opts.fence.read().catch(() => (this.#warmed = undefined));
  }

  #advance(term: Term, ours: boolean): void {
    const key = keyOf(term);
    if (this.#advancing === key) return;
    this.#advancing = key;
    clearTimeout(this.#retry);
    void this.#advanceFor(term, ours, key);
  }

  async #advanceFor(term: Term, ours: boolean, key: string): Promise<void> {
    const continuing = ours && this.#own?.recording === true;
    const started = performance.now();
    let epoch: number;
    try {
      epoch = await this.opts.fence.advance(term);
      // A new epoch acts only once the API server applies it (fence-barrier.ts); a term that goes
      // on under its epoch (recording a new lock epoch) has nothing to wait for.
      if (!continuing) await this.opts.barrier?.(epoch);
    } catch (err) {
      this.#advancing = undefined;
      this.opts.log.warn(
        { err, fence: this.opts.fence.name, lockEpoch: term.lockEpoch },
        "could not advance the fence; not acting until it is advanced",
      );
      this.#retry = setTimeout(() => this.#sync(), this.opts.retryMs);
      this.#retry.unref();
      return;
    }
    this.#advancing = undefined;
    // Still the term we advanced for? (Leadership may have moved while the call was out.)
    const now = ours ? this.#ownTerm() : this.#remoteTerm();
    if (!now || keyOf(now) !== key) return this.#sync();
    if (ours) this.#own = { key, epoch };
    else this.#standby = { key, epoch };
    this.opts.log.info(
      {
        fence: this.opts.fence.name,
        epoch,
        lockEpoch: term.lockEpoch,
        holder: term.holder,
        ms: Math.round(performance.now() - started),
      },
      continuing
        ? `recorded lock epoch ${term.lockEpoch} in the fence (epoch ${epoch}): still acting as leader`
        : ours
          ? `advanced the fence to epoch ${epoch}: acting as leader`
          : `advanced the fence to epoch ${epoch} for ${term.holder} in cluster ${term.cluster}: keeping this cluster stopped`,
    );
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
