// Our own work queue, because Pepr 1.1.4 has none worth the name: it neither merges events nor retries a
// handler that threw. Semantics follow client-go's workqueue:
// - a key waits in the queue at most once, however many events arrive for it (de-duplication);
// - a key is never handled by two workers at once; an event during handling re-queues it afterwards;
// - a failed key is retried with per-key exponential backoff until it succeeds (then forgotten);
// - while paused (not the leader) keys accumulate but nothing runs; resume() drains them.
// Beyond client-go: two priorities. What a user waits for (a watch event, a cron tick, a requeue the
// reconciler asked for, retries of these) is "high"; resyncs and the relist on a mode change are
// "low", and workers take every high key first, so 1,000 resyncs never delay one spec edit. A key
// waiting low that is added high moves up. Delays (addAfter) are measured on `now`, the API server's
// clock in the operator, and re-checked as they run out, so a replica whose own clock (and so its
// timers) runs slow or fast still wakes on time; a key whose delay ran out goes to the head of its
// lane: the reconciler asked for that moment (a cron tick), new events have no deadline.

import { nextTurn } from "./next-turn";

export type Priority = "high" | "low";

/** A delay longer than this announces its deadline (onDeadlineNear) once it is this near. */
const DEADLINE_NOTICE_MS = 10_000;

/** The least time between a handler's end and its requeue, unless it asked for less. */
const MIN_REQUEUE_GAP_MS = 50;

const higher = (a: Priority, b: Priority): Priority =>
  a === "high" || b === "high" ? "high" : "low";

/**
 * How long to sleep before looking at the clock again, `remainingMs` before a deadline: half the
 * remaining time while it is long (a timer running up to 2x slow still wakes by the deadline), then
 * short steps, so a timer that runs slow is late by a fraction of a step, not of the whole delay. A delay
 * of d costs about log2(d / 2 s) + 4 timer firings.
 */
export function nextCheckMs(remainingMs: number): number {
  return remainingMs > 2000 ? remainingMs / 2 : Math.min(remainingMs, 500);
}

interface QueueOptions {
  /** First retry delay after a failure. */
  baseDelayMs?: number;
  /** Cap on the retry delay. */
  maxDelayMs?: number;
  /** A tighter cap for some keys (undefined: maxDelayMs). */
  maxDelayMsFor?: (key: string) => number | undefined;
  /** How many keys are handled at once. */
  concurrency?: number;
  /** Called on every change of depth, for the work-queue depth metric. */
  onDepth?: (depth: number) => void;
  /** Called when a key joins the queue (not when it merges with one already waiting). */
  onAdd?: () => void;
  /** Called when a worker takes a key, with how long it waited in the queue. */
  onDequeue?: (waitedMs: number) => void;
  /** Called when a handler finished (either way), with how long it ran. */
  onDone?: (workedMs: number) => void;
  /** Called when a key is scheduled for a retry after a failure. */
  onRetry?: (key: string, attempt: number, delayMs: number, error: unknown) => void;
  /** The clock delays are measured on, in ms (default Date.now). */
  now?: () => number;
  /** How many ms `now` advances per ms of this process's timers (default 1: the same clock). */
  nowRate?: () => number;
  /**
   * Called once per delay longer than DEADLINE_NOTICE_MS when that much is left (the operator then
   * sharpens its estimate of the API server's clock, which the delay runs on).
   */
  onDeadlineNear?: () => void;
}

/**
 * What a handler may ask for: run again after a delay even though it succeeded (polling, the next cron
 * tick). The requeue is high: it is a moment the reconciler waits for.
 */
export interface HandlerResult {
  /** Counted from when the handler started (its `now`): a slow reconcile does not make a tick late. */
  requeueAfterMs?: number;
}

/** `failures`: how many times in a row this key has failed before (0 on a first try or after a success). */
type Handler = (key: string, failures: number) => Promise<HandlerResult | void>;

export class WorkQueue {
  readonly #lanes: Record<Priority, string[]> = { high: [], low: [] };
  /** Waiting keys, with when each joined the queue (performance.now()) and its lane. */
  readonly #queued = new Map<string, { since: number; priority: Priority }>();
  /** Keys being handled, with when their handler started and the lane they came from. */
  readonly #processing = new Map<string, { started: number; priority: Priority }>();
  /** Keys that got an event while being handled: queued again once the handler returns. */
  readonly #dirty = new Map<string, Priority>();
  readonly #failures = new Map<string, number>();
  /** At most one pending delay per key: when it is due (on `now`), and the lane it then joins. */
  readonly #timers = new Map<string, { at: number; priority: Priority; timer: NodeJS.Timeout }>();
  readonly #opts: Required<
    Pick<QueueOptions, "baseDelayMs" | "maxDelayMs" | "concurrency" | "now">
  > &
    QueueOptions;
  #handler?: Handler;
  #paused = true;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(opts: QueueOptions = {}) {
    this.#opts = {
      baseDelayMs: 200,
      maxDelayMs: 60_000,
      concurrency: 4,
      now: () => Date.now(),
      ...opts,
    };
  }

  /** Installs the handler; the queue stays paused until resume(). */
  start(handler: Handler): void {
    this.#handler = handler;
  }

  /** Adds a key now, unless it is already waiting (a low one is promoted by a high add). */
  add(key: string, priority: Priority = "high"): void {
    this.#enqueue(key, priority, false);
  }

  #enqueue(key: string, priority: Priority, due: boolean): void {
    if (this.#stopped) return;
    if (this.#processing.has(key)) {
      this.#dirty.set(key, higher(priority, this.#dirty.get(key) ?? "low"));
      return;
    }
    const waiting = this.#queued.get(key);
    if (waiting) {
      if (waiting.priority === "high" || priority === "low") return;
      const low = this.#lanes.low;
      low.splice(low.indexOf(key), 1);
      waiting.priority = "high";
    } else {
      this.#queued.set(key, { since: performance.now(), priority });
      this.#opts.onAdd?.();
    }
    this.#clearTimer(key);
    const lane = this.#lanes[priority];
    if (due) lane.unshift(key);
    else lane.push(key);
    this.#depthChanged();
    this.#pump();
  }

  /** Adds a key after a delay; an earlier pending delay for the same key wins (in the higher lane). */
  addAfter(key: string, delayMs: number, priority: Priority = "high"): void {
    if (this.#stopped) return;
    if (delayMs <= 0) return this.add(key, priority);
    const at = this.#opts.now() + delayMs;
    const existing = this.#timers.get(key);
    if (existing && existing.at <= at) {
      existing.priority = higher(existing.priority, priority);
      return;
    }
    this.#clearTimer(key);
    this.#arm(key, at, priority, delayMs, delayMs <= DEADLINE_NOTICE_MS);
  }

  /**
   * Sleeps towards `at` in steps. `maxMs` (the delay asked for, less the steps slept since) caps what
   * is left: if the clock jumps back (a new estimate of the API server's time), a short delay must
   * not become a long one.
   */
  #arm(key: string, at: number, priority: Priority, maxMs: number, announced: boolean): void {
    const now = this.#opts.now();
    const remaining = Math.min(at - now, maxMs);
    const near = remaining <= DEADLINE_NOTICE_MS;
    if (near && !announced) this.#opts.onDeadlineNear?.();
    if (remaining <= 0) {
      const entry = this.#timers.get(key);
      this.#timers.delete(key);
      this.#enqueue(key, entry?.priority ?? priority, true);
      return;
    }
    // A step of `now`'s time, in our timers' time (a slow clock's timers run slow by the same rate).
    const step = nextCheckMs(remaining);
    const rate = this.#opts.nowRate?.() ?? 1;
    const timer = setTimeout(
      () => {
        const entry = this.#timers.get(key);
        if (entry) this.#arm(key, entry.at, entry.priority, remaining - step, announced || near);
      },
      rate > 0 ? step / rate : step,
    );
    timer.unref();
    this.#timers.set(key, { at: now + remaining, priority, timer });
  }

  /** Retries a key with exponential backoff; returns the delay chosen. */
  addRateLimited(key: string, priority: Priority = "high"): number {
    const attempt = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, attempt);
    const cap = this.#opts.maxDelayMsFor?.(key) ?? this.#opts.maxDelayMs;
    const delay = Math.min(this.#opts.baseDelayMs * 2 ** (attempt - 1), cap);
    this.addAfter(key, delay, priority);
    return delay;
  }

  /** Clears a key's failure count (after a success, or when its object is gone). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** How long the longest-running handler has been running; 0 when none runs. */
  longestRunningMs(): number {
    const now = performance.now();
    let longest = 0;
    for (const { started } of this.#processing.values()) longest = Math.max(longest, now - started);
    return longest;
  }

  get depth(): number {
    return this.#lanes.high.length + this.#lanes.low.length;
  }

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  /** Drops everything and refuses new keys; in-flight handlers finish on their own. */
  stop(): void {
    this.#stopped = true;
    this.#paused = true;
    for (const key of [...this.#timers.keys()]) this.#clearTimer(key);
    this.#lanes.high.length = 0;
    this.#lanes.low.length = 0;
    this.#queued.clear();
    this.#dirty.clear();
    this.#depthChanged();
    this.#notifyIdle();
  }

  /** Resolves once nothing is queued or running (pending delayed retries do not count). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise(resolve => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    return this.#processing.size === 0 && (this.depth === 0 || this.#paused);
  }

  #notifyIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #clearTimer(key: string): void {
    const pending = this.#timers.get(key);
    if (pending) clearTimeout(pending.timer);
    this.#timers.delete(key);
  }

  #depthChanged(): void {
    this.#opts.onDepth?.(this.depth);
  }

  #pump(): void {
    const handler = this.#handler;
    if (!handler) return;
    while (!this.#paused && this.#processing.size < this.#opts.concurrency && this.depth > 0) {
      const priority: Priority = this.#lanes.high.length > 0 ? "high" : "low";
      const key = this.#lanes[priority].shift() as string;
      const now = performance.now();
      this.#opts.onDequeue?.(now - (this.#queued.get(key)?.since ?? now));
      this.#queued.delete(key);
      this.#processing.set(key, { started: now, priority });
      this.#depthChanged();
      void this.#handle(handler, key, priority);
    }
    this.#notifyIdle();
  }

  async #handle(handler: Handler, key: string, priority: Priority): Promise<void> {
    // A reconcile that finds nothing to do never waits on I/O (reads come from the cache), so
    // without this turn a pass over 10,000 workloads ran as one chain of microtasks: the lock's
    // renewals and the HTTP API waited 4.7 s, past the 3 s lease (npm run bench -- scale).
    await nextTurn();
    const startedAt = this.#opts.now();
    try {
      const result = await handler(key, this.failures(key));
      this.forget(key);
      if (result?.requeueAfterMs !== undefined) {
        const asked = result.requeueAfterMs;
        const ranMs = this.#opts.now() - startedAt;
        // A poll that took longer than its interval still leaves the API server a short breath.
        this.addAfter(key, Math.max(asked - ranMs, Math.min(asked, MIN_REQUEUE_GAP_MS)), "high");
      }
    } catch (error) {
      const attempt = (this.#failures.get(key) ?? 0) + 1;
      // A retry keeps the lane of the attempt that failed.
      const delay = this.addRateLimited(key, priority);
      this.#opts.onRetry?.(key, attempt, delay, error);
    } finally {
      const started = this.#processing.get(key)?.started ?? performance.now();
      this.#opts.onDone?.(performance.now() - started);
      this.#processing.delete(key);
      const dirty = this.#dirty.get(key);
      if (dirty) {
        this.#dirty.delete(key);
        this.add(key, dirty);
      }
      this.#pump();
    }
  }
}
