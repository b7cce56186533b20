// The controller manager (controller-runtime's Manager, in small): it turns leadership into a queue mode,
// feeds the work queue from watch events, re-lists everything when the mode changes and on a resync
// period, and hands each key to the reconciler together with the mode it must act in.
import { modeFor, type Leadership, type Mode } from "./leadership";
import type { HandlerResult, WorkQueue } from "./queue";

/** A work item: one custom resource. */
export interface WorkloadKey {
  kind: string;
  namespace: string;
  name: string;
}

export function keyOf(k: WorkloadKey): string {
  return `${k.kind}/${k.namespace}/${k.name}`;
}

export function parseKey(key: string): WorkloadKey {
  const [kind, namespace, ...rest] = key.split("/");
  if (!kind || !namespace || rest.length !== 1 || !rest[0])
    throw new Error(`malformed work key "${key}"`);
  return { kind, namespace, name: rest[0] };
}

export type Reconcile = (
  key: WorkloadKey,
  mode: Exclude<Mode, "idle">,
  /** Consecutive failures of this key so far (the queue's back-off count). */
  failures: number,
) => Promise<HandlerResult | void>;

interface ManagerOptions {
  queue: WorkQueue;
  leadership: Leadership;
  reconcile: Reconcile;
  /** Every workload of our tenant that exists now (from the watch-fed cache once it has synced). */
  listAll: () => Promise<WorkloadKey[]>;
  /** Mean time between resyncs (each one ±10 %); watches catch every change, this is a safety net. */
  resyncPeriodMs?: number;
  /**
   * Keys the relists (mode change, resync) queue high although a relist is background work: those with
   * a deadline, such as a cron job whose next tick will not wait behind a thousand resyncs.
   */
  urgentOnRelist?: (key: WorkloadKey) => boolean;
  onModeChange?: (from: Mode, to: Mode) => void;
  /**
   * A relist's keys have all been handled (the queue ran empty after them), `ms` after the list was
   * asked for: how long a new leader took to look at every workload once.
   */
  onRelistDone?: (done: { mode: Mode; workloads: number; ms: number }) => void;
  onError?: (err: unknown, what: string) => void;
}

const DEFAULT_RESYNC_MS = 10 * 60 * 60 * 1000;

export class Manager {
  #mode: Mode = "idle";
  /** Counts mode changes, so a relist knows whether its mode lasted until its pass was done. */
  #modeChanges = 0;
  #resync?: NodeJS.Timeout;
  #stopped = false;

  constructor(private readonly opts: ManagerOptions) {}

  get mode(): Mode {
    return this.#mode;
  }

  start(): void {
    const { queue, leadership } = this.opts;
    queue.start(async (key, failures) => {
      const mode = this.#mode;
      // A key dequeued after we stopped leading waits for the next mode that acts.
      if (mode === "idle") return;
      return this.opts.reconcile(parseKey(key), mode, failures);
    });
    leadership.onChange(() => this.#evaluate());
    this.#evaluate();
    this.#scheduleResync();
  }

  /** controller-runtime's default: 10 h, jittered so replicas and restarts do not resync together. */
  #scheduleResync(): void {
    const period = this.opts.resyncPeriodMs ?? DEFAULT_RESYNC_MS;
    this.#resync = setTimeout(
      () => {
        if (this.#mode !== "idle") void this.#enqueueAll();
        if (!this.#stopped) this.#scheduleResync();
      },
      period * (0.9 + 0.2 * Math.random()),
    );
    this.#resync.unref();
  }

  /** Called by watch bindings for every event on a workload or one of its children: a user waits. */
  enqueue(key: WorkloadKey): void {
    if (this.#stopped) return;
    this.opts.queue.add(keyOf(key), "high");
  }

  /** Stops acting at once: the queue pauses; in-flight reconciles fail their next guarded write. */
  stop(): void {
    this.#stopped = true;
    if (this.#resync) clearTimeout(this.#resync);
    this.opts.queue.stop();
    this.#setMode("idle");
  }

  #evaluate(): void {
    if (this.#stopped) return;
    const { leadership } = this.opts;
    this.#setMode(modeFor(leadership.isLeader(), leadership.leader(), leadership.cluster));
  }

  #setMode(next: Mode): void {
    const previous = this.#mode;
    if (previous === next) return;
    this.#mode = next;
    this.#modeChanges++;
    this.opts.onModeChange?.(previous, next);
    if (next === "idle") {
      this.opts.queue.pause();
      return;
    }
    // A new mode must look at every object once: nothing observed while idle was acted on.
    this.opts.queue.resume();
    void this.#enqueueAll();
  }

  async #enqueueAll(): Promise<void> {
    const startedAt = performance.now();
    const mode = this.#mode;
    const modeChanges = this.#modeChanges;
    try {
      const keys = await this.opts.listAll();
      const urgent = this.opts.urgentOnRelist ?? (() => false);
      for (const key of keys) this.opts.queue.add(keyOf(key), urgent(key) ? "high" : "low");
      await this.opts.queue.idle();
      // A mode that ended meanwhile paused the queue: its pass did not finish.
      if (this.#modeChanges === modeChanges)
        this.opts.onRelistDone?.({
          mode,
          workloads: keys.length,
          ms: Math.round(performance.now() - startedAt),
        });
    } catch (err) {
      this.opts.onError?.(err, "listing workloads");
      // Try again soon: a new leader that cannot list would otherwise act only on new events.
      setTimeout(() => {
        if (this.#mode !== "idle") void this.#enqueueAll();
      }, 2000).unref();
    }
  }
}
