// The leader elector over any LockStore, with client-go's semantics plus two changes that the API
// server's fence makes safe (docs/storage.md, "Liveness and safety"):
// - candidates look at the lock every retryPeriod (jittered) and try to acquire it when it is free,
//   or when they have watched it stay unrenewed for a whole lease on their own monotonic clock; a
//   look that failed (the store or the API server was down) starts that watch again, so a leader
//   that comes back with its store gets a whole lease to renew before anyone takes over;
// - the leader renews every renewInterval on its own timer loop (nothing else shares it); when a
//   renewal finds the lock free (a store whose lease ran out while it was down, nobody took it), the
//   leader takes it again at once: a new epoch, the same holder;
// - the leader stops acting the moment renewDeadline has passed since the start of its last
//   successful renewal, judged on the monotonic clock by a timer set for exactly that instant
//   (and by WriteGuard.check(), which reads the clock itself, in case timers run late) -- unless
//   keepTermPastDeadline() says the API server fences stale writes: then it keeps its term until
//   storage names another holder or resign() is called (the fence showed a newer term);
// - stop() stops acting, then releases the lock, then resolves, so a standby takes over within
//   about one retry period.
import { EventEmitter } from "node:events";
import { systemClock, type Clock } from "./clock";
import { WriteGuard, type LeadershipView, type ObservedLock } from "./guard";
import { metrics, zeroCounters } from "./metrics";
import { jittered, resolveTiming, type LeaseTiming, type ResolvedTiming } from "./timing";
import type { AcquireResult, LockRecord, LockStore } from "./types";

export type StopReason =
  /** No successful renewal within renewDeadline. */
  | "renew-deadline"
  /** The storage says someone else holds the lock now (or our epoch is gone). */
  | "lost"
  /** stop() was called. */
  | "stopped"
  /** resign() was called: the fence says a newer term has taken over (docs/storage.md). */
  | "superseded";

interface ElectorOptions extends Partial<LeaseTiming> {
  store: LockStore;
  /** Full lock key, e.g. lockKeyFor(tenant). */
  key: string;
  /** Unique per process: see candidateIdentity(). */
  identity: string;
  clusterName?: string;
  metadata?: Record<string, string>;
  /** Observer mode (the predecessor's remainsFollower): never acquires, still reports the leader. */
  observer?: boolean;
  clock?: Clock;
  random?: () => number;
  onStartedLeading?: (epoch: number) => void;
  onStoppedLeading?: (reason: StopReason) => void;
  onNewLeader?: (record: LockRecord) => void;
  /** Storage errors (the elector keeps going; they are also counted in metrics). */
  onError?: (err: unknown, operation: string) => void;
  /**
   * Asked whenever the renew deadline matters: true when a stale write of ours cannot land (the API
   * server enforces the fence), so the leader keeps its term past the deadline instead of stepping
   * down. Default: never (client-go's rule).
   */
  keepTermPastDeadline?: () => boolean;
}

export interface ElectorEvents {
  startedLeading: [epoch: number];
  stoppedLeading: [reason: StopReason];
  newLeader: [record: LockRecord];
  error: [err: unknown, operation: string];
}

interface Leadership {
  epoch: number;
  record: LockRecord;
  /** Monotonic start of the last successful acquire/renew call. */
  lastRenewMs: number;
  startedMs: number;
  deadlineTimer?: NodeJS.Timeout;
}

/** What a candidate last saw of another holder's lock, and since when (monotonic). */
interface Watched {
  state: string;
  sinceMs: number;
  leaseMs: number;
}

class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class LeaderElector extends EventEmitter<ElectorEvents> implements LeadershipView {
  readonly timing: ResolvedTiming;
  readonly clock: Clock;
  readonly guard: WriteGuard;
  private readonly random: () => number;
  private running = false;
  private stopping: Promise<void> | undefined;
  private leading: Leadership | undefined;
  private loopTimer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> = Promise.resolve();
  /** An acquisition that completed after stop() or too late to use: release it. */
  private orphanEpochs: number[] = [];
  private lastReported: { holderId: string; epoch: number } | undefined;
  /** The newest record storage returned to us (newLeader fires only when holder or epoch change). */
  private lastSeen: LockRecord | undefined;
  /** Another holder's lock as this candidate watches it expire (see acquireOnce). */
  private watched: Watched | undefined;
  /** A look at the lock failed since the last one that worked: what we watched proves nothing. */
  private blind = false;
  /** The last look at the lock that storage answered: what it held, and when the look started. */
  private looked: { record: LockRecord | undefined; startedMs: number } | undefined;

  constructor(private readonly opts: ElectorOptions) {
    super();
    this.timing = resolveTiming(opts);
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.guard = new WriteGuard(this);
    if (opts.onStartedLeading) this.on("startedLeading", opts.onStartedLeading);
    if (opts.onStoppedLeading) this.on("stoppedLeading", opts.onStoppedLeading);
    if (opts.onNewLeader) this.on("newLeader", opts.onNewLeader);
    if (opts.onError) this.on("error", opts.onError);
    else this.on("error", () => {}); // EventEmitter throws on unhandled "error"
    metrics.leadershipCurrentDuration.set({ backend: this.backend }, 0);
    zeroCounters(this.backend);
    metrics.isLeader.set({ backend: this.backend }, 0);
  }

  get backend(): string {
    return this.opts.store.backend;
  }

  get identity(): string {
    return this.opts.identity;
  }

  /** True while this process may act as leader (same test as guard.check()). */
  isLeader(): boolean {
    const lease = this.currentLease();
    return lease !== undefined && this.clock.monotonicMs() < lease.deadlineMs;
  }

  /**
   * The freshest lock record this process knows: its own while it leads (updated by every renewal),
   * else the one storage last returned to an acquisition attempt or observation. For display: who
   * holds the lock and when it was last renewed.
   */
  lastRecord(): LockRecord | undefined {
    return this.leading?.record ?? this.lastSeen;
  }

  currentLease(): { epoch: number; deadlineMs: number } | undefined {
    const l = this.leading;
    if (!l) return undefined;
    const deadlineMs = this.keepsTerm()
      ? Number.POSITIVE_INFINITY
      : l.lastRenewMs + this.timing.renewDeadlineMs;
    return { epoch: l.epoch, deadlineMs };
  }

  observedLease(): (ObservedLock & { deadlineMs: number }) | undefined {
    const looked = this.looked;
    const record = looked?.record;
    if (this.leading || !looked || !record || record.holderId === "") return undefined;
    return {
      holderId: record.holderId,
      epoch: record.epoch,
      deadlineMs: looked.startedMs + this.timing.renewDeadlineMs,
    };
  }

  /** True while this leader has not renewed within renewDeadline (it may still keep its term). */
  renewOverdue(): boolean {
    const l = this.leading;
    return (
      l !== undefined && this.clock.monotonicMs() >= l.lastRenewMs + this.timing.renewDeadlineMs
    );
  }

  private keepsTerm(): boolean {
    return this.opts.keepTermPastDeadline?.() ?? false;
  }

  /** Starts campaigning (or observing). Returns at once; events report what happens. */
  start(): void {
    if (this.running || this.stopping) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops acting, releases the lock if held, then resolves. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /**
   * Gives up the current term and keeps campaigning: stop acting, hand the lock back. Called when the
   * fence shows that a newer term holds it although our lock store still names us (a lock store that
   * lost its state, or two stores): the next acquisition starts a new term, which advances the fence.
   */
  resign(): void {
    const leading = this.leading;
    if (!leading) return;
    this.stopLeading("superseded");
    void this.releaseQuietly(leading.epoch);
  }

  private async shutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.loopTimer);
    const epochs: number[] = [];
    if (this.leading) {
      epochs.push(this.leading.epoch);
      this.stopLeading("stopped");
    } else {
      // An acquisition may be on the wire; once it lands, it files itself under orphanEpochs.
      await this.inflight.catch(() => {});
    }
    epochs.push(...this.orphanEpochs.splice(0));
    await Promise.all(epochs.map(epoch => this.releaseQuietly(epoch)));
  }

  private async releaseQuietly(epoch: number): Promise<void> {
    try {
      await withTimeout(
        this.opts.store.release(this.opts.key, this.opts.identity, epoch),
        this.timing.renewDeadlineMs,
        "release",
      );
    } catch (err) {
      this.emit("error", err, "release");
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.loopTimer = setTimeout(() => {
      this.inflight = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    if (this.leading) {
      await this.renewOnce();
      this.schedule(this.timing.renewIntervalMs);
      return;
    }
    if (this.opts.observer) await this.observeOnce();
    else await this.acquireOnce();
    this.schedule(
      this.leading ? this.timing.renewIntervalMs : jittered(this.timing.retryPeriodMs, this.random),
    );
  }

  private async observeOnce(): Promise<void> {
    const started = this.clock.monotonicMs();
    try {
      const record = await withTimeout(
        this.opts.store.get(this.opts.key),
        this.timing.renewDeadlineMs,
        "get",
      );
      this.looked = { record, startedMs: started };
      if (record) this.report(record);
    } catch (err) {
      this.emit("error", err, "get");
    }
  }

  /**
   * Whether to try acquiring now: the lock is free, released or ours, or another holder's lock has
   * stayed unrenewed (or vanished: a lease that ran out in the store) for a whole lease while we
   * watched. A failed look blinds us: the watch starts again at the next look that works.
   */
  private async mayAcquire(): Promise<boolean> {
    let record: LockRecord | undefined;
    const started = this.clock.monotonicMs();
    try {
      record = await withTimeout(
        this.opts.store.get(this.opts.key),
        this.timing.renewDeadlineMs,
        "get",
      );
      this.looked = { record, startedMs: started };
    } catch (err) {
      this.blind = true;
      metrics.failedAttempts.inc({ backend: this.backend });
      this.emit("error", err, "get");
      return false;
    }
    const now = this.clock.monotonicMs();
    const foreign =
      record !== undefined && record.holderId !== "" && record.holderId !== this.opts.identity;
    if (record !== undefined && !foreign) {
      this.watched = undefined;
      this.blind = false;
      return true;
    }
    if (record === undefined && this.watched === undefined) {
      this.blind = false;
      return true;
    }
    if (record) this.report(record);
    if (record?.predecessor) {
      // The predecessor's record (storage/predecessor.ts): the store judges its expiry on the
      // server (Redis key TTL, SQL and Spanner now()) and it deletes its record on release, so the
      // store's atomic acquire decides at every look instead of a watch on our clock: we take
      // over as soon as it released or its lease ran out.
      this.watched = undefined;
      this.blind = false;
      return true;
    }
    const state = record
      ? `${record.holderId}|${record.epoch}|${record.renewedAt.getTime()}`
      : this.watched!.state;
    const leaseMs = record
      ? Math.max(
          this.timing.leaseDurationMs,
          record.expiresAt.getTime() - record.renewedAt.getTime(),
        )
      : this.watched!.leaseMs;
    if (this.blind || this.watched?.state !== state) {
      this.watched = { state, sinceMs: now, leaseMs };
      this.blind = false;
      return false;
    }
    return now - this.watched.sinceMs >= this.watched.leaseMs;
  }

  /** One acquisition attempt for this candidate, bounded by the renew deadline. */
  private tryAcquire(onLastRead: boolean): Promise<AcquireResult> {
    return withTimeout(
      this.opts.store.tryAcquire(this.opts.key, {
        holderId: this.opts.identity,
        clusterName: this.opts.clusterName ?? "",
        leaseDurationMs: this.timing.leaseDurationMs,
        metadata: this.opts.metadata,
        onLastRead,
      }),
      this.timing.renewDeadlineMs,
      "acquire",
    );
  }

  private async acquireOnce(): Promise<void> {
    if (!(await this.mayAcquire())) return;
    const started = this.clock.monotonicMs();
    let result;
    try {
      result = await this.tryAcquire(true);
    } catch (err) {
      metrics.failedAttempts.inc({ backend: this.backend });
      metrics.failoverErrors.inc({ backend: this.backend });
      this.emit("error", err, "acquire");
      return;
    }
    if (!result.acquired) {
      metrics.failedAttempts.inc({ backend: this.backend });
      if (result.current) this.looked = { record: result.current, startedMs: started };
      if (result.current && result.current.holderId !== "") this.report(result.current);
      return;
    }
    const { record, previous } = result;
    this.watched = undefined;
    // The lease started on the server no earlier than `started`, so our deadline counts from there.
    if (!this.running) {
      this.orphanEpochs.push(record.epoch); // stop() releases it
      return;
    }
    if (this.clock.monotonicMs() >= started + this.timing.renewDeadlineMs) {
      await this.releaseQuietly(record.epoch); // too late to act on safely
      return;
    }
    this.leading = { epoch: record.epoch, record, lastRenewMs: started, startedMs: started };
    this.armDeadline();
    const b = { backend: this.backend };
    metrics.acquisitions.inc(b);
    metrics.isLeader.set(b, 1);
    metrics.leaderEpoch.set(b, record.epoch);
    metrics.lastTransition.set(b, this.clock.wallMs() / 1000);
    metrics.leadershipCurrentDuration.set(b, 0);
    metrics.dbLockTtl.set(b, (record.expiresAt.getTime() - record.renewedAt.getTime()) / 1000);
    if (previous && previous.holderId !== "" && previous.holderId !== this.opts.identity) {
      metrics.failovers.inc(b);
      const seconds = (record.acquiredAt.getTime() - previous.renewedAt.getTime()) / 1000;
      if (seconds >= 0) metrics.failoverDuration.observe(b, seconds);
    }
    this.report(record);
    this.emit("startedLeading", record.epoch);
  }

  private async renewOnce(): Promise<void> {
    const leading = this.leading;
    if (!leading) return;
    const started = this.clock.monotonicMs();
    const remaining = this.keepsTerm()
      ? this.timing.renewDeadlineMs
      : leading.lastRenewMs + this.timing.renewDeadlineMs - started;
    if (remaining <= 0) return; // the deadline timer is about to fire
    let record: LockRecord | undefined;
    try {
      record = await withTimeout(
        this.opts.store.renew(
          this.opts.key,
          this.opts.identity,
          leading.epoch,
          this.timing.leaseDurationMs,
        ),
        remaining,
        "renew",
      );
    } catch (err) {
      // Keep trying; the deadline timer ends leadership if no renewal succeeds in time.
      this.emit("error", err, "renew");
      return;
    }
    if (this.leading !== leading) return; // lost or stopped while the call was out
    if (!record) {
      await this.reacquire(leading, started);
      return;
    }
    leading.lastRenewMs = started;
    leading.record = record;
    const b = { backend: this.backend };
    metrics.leadershipCurrentDuration.set(b, (this.clock.monotonicMs() - leading.startedMs) / 1000);
    metrics.dbLockTtl.set(b, (record.expiresAt.getTime() - record.renewedAt.getTime()) / 1000);
    this.armDeadline();
  }

  /**
   * A renewal found the lock no longer ours as (id, epoch). If nobody else holds it (its lease ran
   * out in a store that was down, or the store lost its state), take it again: a new epoch for the
   * same holder, so no other candidate gets a turn and no workload moves. Otherwise it is lost.
   */
  private async reacquire(leading: Leadership, started: number): Promise<void> {
    let result;
    try {
      result = await this.tryAcquire(false);
    } catch (err) {
      this.emit("error", err, "acquire"); // next renewal tries again; the deadline rules meanwhile
      return;
    }
    if (this.leading !== leading) {
      if (result.acquired) await this.releaseQuietly(result.record.epoch);
      return;
    }
    if (!result.acquired) {
      if (result.current && result.current.holderId !== "") this.report(result.current);
      this.stopLeading("lost");
      return;
    }
    const { record } = result;
    leading.epoch = record.epoch;
    leading.record = record;
    leading.lastRenewMs = started;
    const b = { backend: this.backend };
    metrics.acquisitions.inc(b);
    metrics.leaderEpoch.set(b, record.epoch);
    this.armDeadline();
    this.report(record);
    this.emit("startedLeading", record.epoch);
  }

  /** (Re)arms the timer that ends leadership at lastRenew + renewDeadline. */
  private armDeadline(): void {
    const leading = this.leading;
    if (!leading) return;
    clearTimeout(leading.deadlineTimer);
    const fire = () => {
      if (this.leading !== leading) return;
      const left = leading.lastRenewMs + this.timing.renewDeadlineMs - this.clock.monotonicMs();
      if (left > 0) {
        leading.deadlineTimer = setTimeout(fire, left); // timers may fire a hair early
        return;
      }
      if (this.keepsTerm()) {
        // Fenced: keep the term; look again later in case the fence stops being enforced.
        leading.deadlineTimer = setTimeout(fire, this.timing.renewIntervalMs);
        return;
      }
      const epoch = leading.epoch;
      this.stopLeading("renew-deadline");
      // We may still hold it on the server; hand it back so nobody waits a full lease for us.
      void this.releaseQuietly(epoch);
    };
    leading.deadlineTimer = setTimeout(
      fire,
      Math.max(0, leading.lastRenewMs + this.timing.renewDeadlineMs - this.clock.monotonicMs()),
    );
  }

  private stopLeading(reason: StopReason): void {
    const leading = this.leading;
    if (!leading) return;
    clearTimeout(leading.deadlineTimer);
    this.leading = undefined;
    const b = { backend: this.backend };
    metrics.isLeader.set(b, 0);
    metrics.leaderEpoch.set(b, 0);
    metrics.leadershipCurrentDuration.set(b, 0);
    metrics.leadershipDuration.observe(b, (this.clock.monotonicMs() - leading.startedMs) / 1000);
    metrics.lastTransition.set(b, this.clock.wallMs() / 1000);
    if (reason !== "stopped") metrics.losses.inc({ ...b, reason });
    this.emit("stoppedLeading", reason);
  }

  /** Emits newLeader when the observed holder or epoch changed. */
  private report(record: LockRecord): void {
    this.lastSeen = record;
    const last = this.lastReported;
    if (last && last.holderId === record.holderId && last.epoch === record.epoch) return;
    this.lastReported = { holderId: record.holderId, epoch: record.epoch };
    metrics.transitions.inc({ backend: this.backend });
    this.emit("newLeader", record);
  }
}
