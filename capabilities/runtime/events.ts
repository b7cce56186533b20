// Kubernetes Events on our custom resources (`kubectl describe` and `kubectl get events` show them).
// They are written through the guarded writer of the mode we act in (stamped and fenced like every
// other write) and labelled with the tenant, whose fence the API server checks them against.
// Recording is best effort: a failed event never fails a reconcile. The same reason and message for
// the same object is not repeated within `repeatWindowMs`, so a retry loop does not flood the API.
// Like client-go's recorder, `record` only queues the event: a few writers send them in the
// background, so a reconcile never waits for an Event (when 100 cron ticks fall on the same second,
// their Jobs go out first). Each send asks the writer then, so an event queued by a leader that has
// since stepped down is refused like any other late write. A backlog past `MAX_PENDING` drops the
// oldest (said through onError).
import type { KubeObject } from "./kube-client";
import { LABEL_TENANT, tenantLabelValue } from "../workloads/controllers/common/labels";

/** What the recorder writes through: the guarded writer (capabilities/runtime/writer.ts). */
export interface EventWriter {
  createIfAbsent<T extends KubeObject>(obj: T): Promise<T | undefined>;
}

export type EventType = "Normal" | "Warning";

export interface EventSink {
  record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void>;
}

/** Events sent at once; the rest wait in order. */
const MAX_IN_FLIGHT = 4;
const MAX_PENDING = 5000;

export class EventRecorder implements EventSink {
  readonly #recent = new Map<string, number>();
  readonly #pending: KubeObject[] = [];
  #inFlight = 0;
  #drainWaiters: Array<() => void> = [];

  constructor(
    private readonly writer: () => EventWriter,
    private readonly instance: string,
    private readonly tenant: string,
    private readonly onError: (err: unknown) => void = () => {},
    private readonly repeatWindowMs = 60_000,
  ) {}

  async record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const meta = obj.metadata;
    if (!meta?.name || !obj.kind || !obj.apiVersion) return;
    // Events about a cluster-scoped object (a HighlanderFence) live in "default", as kubectl's do.
    const namespace = meta.namespace ?? "default";
    const key = `${meta.uid ?? meta.name}|${reason}|${message}`;
    const now = Date.now();
    const last = this.#recent.get(key);
    if (last !== undefined && now - last < this.repeatWindowMs) return;
    this.#recent.set(key, now);
    if (this.#recent.size > 5000) this.#prune(now);
    const time = new Date(now).toISOString();
    const event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: `${meta.name}.${now.toString(16)}${Math.random().toString(16).slice(2, 8)}`,
        namespace,
        labels: { [LABEL_TENANT]: tenantLabelValue(this.tenant) },
      },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: meta.name,
        ...(meta.namespace ? { namespace: meta.namespace } : {}),
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
      type,
      reason,
      message: message.slice(0, 1024),
      source: { component: "highlander" },
      reportingComponent: "highlander.plexobject.io/controller",
      reportingInstance: this.instance,
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    };
    this.#pending.push(event);
    if (this.#pending.length > MAX_PENDING) {
      this.#pending.shift();
      this.onError(new Error(`more than ${MAX_PENDING} events waiting; dropped the oldest`));
    }
    this.#pump();
  }

  /** Resolves once every queued event has been sent (or failed). */
  drained(): Promise<void> {
    if (this.#inFlight === 0 && this.#pending.length === 0) return Promise.resolve();
    return new Promise(resolve => this.#drainWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#inFlight < MAX_IN_FLIGHT && this.#pending.length > 0) {
      const event = this.#pending.shift() as KubeObject;
      this.#inFlight++;
      void this.#send(event);
    }
    if (this.#inFlight === 0 && this.#pending.length === 0) {
      for (const resolve of this.#drainWaiters.splice(0)) resolve();
    }
  }

  async #send(event: KubeObject): Promise<void> {
    try {
      await this.writer().createIfAbsent(event);
    } catch (err) {
      this.onError(err);
    } finally {
      this.#inFlight--;
      this.#pump();
    }
  }

  #prune(now: number): void {
    for (const [key, at] of this.#recent) {
      if (now - at >= this.repeatWindowMs) this.#recent.delete(key);
    }
  }
}
