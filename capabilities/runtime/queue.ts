// Our own work queue, because Pepr 1.1.4 has none worth the name: it neither merges events nor retries a
// handler that threw. Semantics follow client-go's workqueue:
// - a key waits in the queue at most once, however many events arrive for it (de-duplication);
// - a key is never handled by two workers at once; an event during handling re-queues it afterwards;
// - a failed key is retried with per-key exponential backoff until it succeeds (then forgotten);
// - while paused (not the leader) keys accumulate but nothing runs; resume() drains them.

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
}

/** What a handler may ask for: run again after a delay even though it succeeded (polling). */
export interface HandlerResult {
  requeueAfterMs?: number;
}

/** `failures`: how many times in a row this key has failed before (0 on a first try or after a success). */
type Handler = (key: string, failures: number) => Promise<HandlerResult | void>;

export class WorkQueue {
  readonly #queue: string[] = [];
  /** Waiting keys, with when each joined the queue (performance.now()). */
  readonly #queued = new Map<string, number>();
  /** Keys being handled, with when their handler started. */
  readonly #processing = new Map<string, number>();
  /** Keys that got an event while being handled: queued again once the handler returns. */
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #opts: Required<Pick<QueueOptions, "baseDelayMs" | "maxDelayMs" | "concurrency">> &
    QueueOptions;
  #handler?: Handler;
  #paused = true;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(opts: QueueOptions = {}) {
    this.#opts = { baseDelayMs: 200, maxDelayMs: 60_000, concurrency: 4, ...opts };
  }

  /** Installs the handler; the queue stays paused until resume(). */
  start(handler: Handler): void {
    this.#handler = handler;
  }

  /** Adds a key now, unless it is already waiting. */
  add(key: string): void {
    if (this.#stopped) return;
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#clearTimer(key);
    this.#queued.set(key, performance.now());
    this.#queue.push(key);
    this.#opts.onAdd?.();
    this.#depthChanged();
    this.#pump();
  }

  /** Adds a key after a delay; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const existing = this.#timers.get(key);
    if (existing && existing.at <= at) return;
    this.#clearTimer(key);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, { at, timer });
  }

  /** Retries a key with exponential backoff; returns the delay chosen. */
  addRateLimited(key: string): number {
    const attempt = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, attempt);
    const cap = this.#opts.maxDelayMsFor?.(key) ?? this.#opts.maxDelayMs;
    const delay = Math.min(this.#opts.baseDelayMs * 2 ** (attempt - 1), cap);
    this.addAfter(key, delay);
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
    for (const started of this.#processing.values()) longest = Math.max(longest, now - started);
    return longest;
  }

  get depth(): number {
    return this.#queue.length;
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
    this.#queue.length = 0;
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
    return this.#processing.size === 0 && (this.#queue.length === 0 || this.#paused);
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
    this.#opts.onDepth?.(this.#queue.length);
  }

  #pump(): void {
    const handler = this.#handler;
    if (!handler) return;
    while (
      !this.#paused &&
      this.#processing.size < this.#opts.concurrency &&
      this.#queue.length > 0
    ) {
      const key = this.#queue.shift() as string;
      const now = performance.now();
      this.#opts.onDequeue?.(now - (this.#queued.get(key) ?? now));
      this.#queued.delete(key);
      this.#processing.set(key, now);
      this.#depthChanged();
      void this.#handle(handler, key);
    }
    this.#notifyIdle();
  }

  async #handle(handler: Handler, key: string): Promise<void> {
    try {
      const result = await handler(key, this.failures(key));
      this.forget(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (error) {
      const attempt = (this.#failures.get(key) ?? 0) + 1;
      const delay = this.addRateLimited(key);
      this.#opts.onRetry?.(key, attempt, delay, error);
    } finally {
      this.#opts.onDone?.(performance.now() - (this.#processing.get(key) ?? performance.now()));
      this.#processing.delete(key);
      if (this.#dirty.delete(key)) this.add(key);
      this.#pump();
    }
  }
}
