// An in-memory API server behind the real KubeClient, for the reconcilers' unit tests (test support
// only; production code does not import it). It answers the REST calls the client makes — GET of an
// object or a labelled collection, server-side apply (objects and /status), merge patch with a
// resourceVersion precondition, create, delete — so the reconcilers run with the real client, the real
// guarded writer and the real paths. What it leaves out (field ownership, defaulting, admission,
// garbage collection, controllers) the e2e suites cover against a real API server.
import { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError, KubeClient, type KubeObject } from "../../runtime/kube-client";
import type { EventSink, EventType } from "../../runtime/events";
import { GuardedWriter } from "../../runtime/writer";
import type { ReconcileContext } from "./context";

type Stored = KubeObject & Record<string, unknown>;

interface RecordedEvent {
  name?: string;
  type: EventType;
  reason: string;
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 7386: objects merge, null removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** …/namespaces/NS/PLURAL is a collection; …/namespaces/NS/PLURAL/NAME an object. */
function isCollection(path: string): boolean {
  const parts = path.split("/");
  return parts.length === parts.indexOf("namespaces") + 3;
}

function notFound(path: string): KubeApiError {
  return new KubeApiError(404, "NotFound", `${path}: 404 not found`);
}

export class FakeApi extends KubeClient {
  readonly objects = new Map<string, Stored>();
  /** Every write, as "METHOD path" without the query. */
  readonly writes: string[] = [];
  #version = 0;

  constructor() {
    super(new KubeConfig());
  }

  /** Puts an object in place as if another client had written it; returns the stored copy. */
  seed<T extends KubeObject>(path: string, obj: T): T {
    const stored = this.#stamp(path, obj, undefined);
    return stored as T;
  }

  /** The stored object at `path` (a resource path without query). */
  at<T extends KubeObject>(path: string): T | undefined {
    return this.objects.get(path) as T | undefined;
  }

  override async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, "http://fake");
    const at = url.pathname;
    if (method !== "GET") this.writes.push(`${method} ${at}`);
    const existing = this.objects.get(at);
    switch (method) {
      case "GET": {
        if (existing) return structuredClone(existing) as T;
        if (!isCollection(at)) throw notFound(at);
        return { items: this.#list(at, url.searchParams.get("labelSelector")) } as T;
      }
      case "POST": {
        const obj = body as KubeObject;
        const full = `${at}/${obj.metadata?.name}`;
        if (this.objects.has(full)) {
          throw new KubeApiError(409, "AlreadyExists", `${full}: 409 already exists`);
        }
        return this.#stamp(full, obj, undefined) as T;
      }
      case "PATCH": {
        if (at.endsWith("/status")) {
          const objectPath = at.slice(0, -"/status".length);
          const target = this.objects.get(objectPath);
          if (!target) throw notFound(at);
          // A new resourceVersion, as the API server gives every write.
          const status = (body as { status?: unknown }).status;
          return this.#stamp(objectPath, { ...target, status } as Stored, target) as T;
        }
        const patch = body as Stored;
        // A missing object is 404 before any precondition is looked at, as on the API server.
        if (!existing && url.searchParams.get("force") === null) throw notFound(at);
        const wanted = patch.metadata?.resourceVersion;
        if (wanted !== undefined && existing?.metadata?.resourceVersion !== wanted) {
          throw new KubeApiError(409, "Conflict", `${at}: 409 the object has been modified`);
        }
        const merged = mergePatch(existing, patch) as Stored;
        // As the API server does: the last finalizer off an object being deleted deletes it, and the
        // answer carries the resourceVersion from before (nothing was stored).
        if (existing && merged.metadata?.deletionTimestamp && !merged.metadata.finalizers?.length) {
          this.objects.delete(at);
          return structuredClone(merged) as T;
        }
        return this.#stamp(at, merged, existing) as T;
      }
      case "DELETE": {
        if (!existing) throw notFound(at);
        this.objects.delete(at);
        return structuredClone(existing) as T;
      }
      default:
        throw new Error(`fake API: ${method} ${at} is not implemented`);
    }
  }

  /** The items under a collection path that carry every label of the selector. */
  #list(collection: string, selector: string | null): Stored[] {
    const wanted = (selector ?? "")
      .split(",")
      .filter(Boolean)
      .map(pair => pair.split("="));
    const items = [...this.objects.entries()]
      .filter(
        ([p]) => p.startsWith(`${collection}/`) && !p.slice(collection.length + 1).includes("/"),
      )
      .map(([, obj]) => obj)
      .filter(obj => wanted.every(([k, v]) => obj.metadata?.labels?.[k] === v));
    return items.map(obj => structuredClone(obj));
  }

  #stamp(path: string, obj: KubeObject, before: Stored | undefined): Stored {
    this.#version += 1;
    const stored: Stored = structuredClone({
      ...obj,
      metadata: {
        ...obj.metadata,
        uid: before?.metadata?.uid ?? obj.metadata?.uid ?? `uid-${this.#version}`,
        creationTimestamp:
          before?.metadata?.creationTimestamp ??
          obj.metadata?.creationTimestamp ??
          "2026-12-01T00:00:00Z",
        resourceVersion: String(this.#version),
      },
    });
    this.objects.set(path, stored);
    return structuredClone(stored);
  }
}

/** Collects the events a reconcile records, in order. */
export class FakeEvents implements EventSink {
  readonly events: RecordedEvent[] = [];

  async record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    this.events.push({ name: obj.metadata?.name, type, reason, message });
  }

  reasons(): string[] {
    return this.events.map(e => e.reason);
  }
}

/** A reconcile context over the fake API: this replica leads cluster "east" with epoch 3. */
export function fakeContext(
  api: FakeApi,
  events: FakeEvents,
  now: Date,
  extra: Partial<ReconcileContext> = {},
): ReconcileContext {
  return {
    client: api,
    writer: new GuardedWriter(api, { check: () => ({ epoch: 3 }) }),
    events,
    mode: "active",
    tenant: "default",
    cluster: "east",
    leader: { id: "east-0", cluster: "east", epoch: 3 },
    now,
    ...extra,
  };
}
