// The leader elector, with client-go's semantics over any LockStore:
// - candidates try to acquire every retryPeriod (jittered); the winner gets a fresh epoch;
// - the leader renews every retryPeriod on its own timer loop (nothing else shares it);
// - the leader stops acting the moment renewDeadline has passed since the start of its last
//   successful renewal, judged on the monotonic clock by a timer set for exactly that instant
//   (and by WriteGuard.check(), which reads the clock itself, in case timers run late);
// - stop() stops acting, then releases the lock, then resolves, so a standby takes over within
//   about one retry period.
import { EventEmitter } from "node:events";
import { systemClock, type Clock } from "./clock";
import { WriteGuard, type LeadershipView } from "./guard";
import { metrics } from "./metrics";
import { jittered, resolveTiming, type LeaseTiming } from "./timing";
import type { LockRecord, LockStore } from "./types";

export type StopReason =
  /** No successful renewal within renewDeadline. */
  | "renew-deadline"
  /** The storage says someone else holds the lock now (or our epoch is gone). */
  | "lost"
  /** stop() was called. */
  | "stopped"
  /** resign() was called: the fence says a newer term has taken over (docs/storage.md). */
  | "superseded";

export interface ElectorOptions extends Partial<LeaseTiming> {
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
  readonly timing: LeaseTiming;
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
    metrics.leadershipDuration.set({ backend: this.backend }, 0);
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
    return l
      ? { epoch: l.epoch, deadlineMs: l.lastRenewMs + this.timing.renewDeadlineMs }
      : undefined;
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
      this.schedule(this.timing.retryPeriodMs);
      return;
    }
    if (this.opts.observer) await this.observeOnce();
    else await this.acquireOnce();
    this.schedule(
      this.leading ? this.timing.retryPeriodMs : jittered(this.timing.retryPeriodMs, this.random),
    );
  }

  private async observeOnce(): Promise<void> {
    try {
      const record = await withTimeout(
        this.opts.store.get(this.opts.key),
        this.timing.renewDeadlineMs,
        "get",
      );
      if (record) this.report(record);
    } catch (err) {
      this.emit("error", err, "get");
    }
  }

  private async acquireOnce(): Promise<void> {
    const started = this.clock.monotonicMs();
    let result;
    try {
      result = await withTimeout(
        this.opts.store.tryAcquire(this.opts.key, {
          holderId: this.opts.identity,
          clusterName: this.opts.clusterName ?? "",
          leaseDurationMs: this.timing.leaseDurationMs,
          metadata: this.opts.metadata,
        }),
        this.timing.renewDeadlineMs,
        "acquire",
      );
    } catch (err) {
      metrics.failedAttempts.inc({ backend: this.backend });
      metrics.failoverErrors.inc({ backend: this.backend });
      this.emit("error", err, "acquire");
      return;
    }
    if (!result.acquired) {
      metrics.failedAttempts.inc({ backend: this.backend });
      if (result.current && result.current.holderId !== "") this.report(result.current);
      return;
    }
    const { record, previous } = result;
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
    metrics.leadershipDuration.set(b, 0);
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
    const remaining = leading.lastRenewMs + this.timing.renewDeadlineMs - started;
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
      this.stopLeading("lost");
      return;
    }
    leading.lastRenewMs = started;
    leading.record = record;
    const b = { backend: this.backend };
    metrics.leadershipDuration.set(b, (this.clock.monotonicMs() - leading.startedMs) / 1000);
    metrics.dbLockTtl.set(b, (record.expiresAt.getTime() - record.renewedAt.getTime()) / 1000);
    this.armDeadline();
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
    metrics.leadershipDuration.set(b, 0);
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
