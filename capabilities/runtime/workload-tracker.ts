// An in-memory view of this tenant's workloads for the dashboard, the API and the workload metrics:
// fed by watch events and a periodic list (from the watch cache once synced), plus the last reconcile
// error of each. It is never used to decide what to write (reconciles read the cache, object-cache.ts).
import type { WorkloadStatus as CrStatus } from "../workloads/crd/types";
import { typeOfKind } from "../workloads/crd/kinds";
import { WORKLOAD_KINDS } from "../workloads/kinds/registry";
import { WorkloadLifecycle, forgetWorkload, setWorkloadActive, setWorkloadReady } from "../metrics";
import type { ChildStatus, WorkloadStatus } from "../http/source";
import type { WorkloadKey } from "./manager";
import { keyOf } from "./manager";

export interface TrackedWorkload {
  kind: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  status?: CrStatus;
}

interface Entry {
  obj: TrackedWorkload;
  lastError: string | null;
}

function children(kind: string, name: string, status: CrStatus | undefined): ChildStatus[] {
  if (!status) return [];
  return WORKLOAD_KINDS.find(k => k.names.kind === kind)?.children(name, status) ?? [];
}

export class WorkloadTracker {
  readonly #entries = new Map<string, Entry>();
  readonly #lifecycle = new WorkloadLifecycle();
  #synced = false;

  /** True once a full list has been seen (the API answers and the CRDs exist). */
  get synced(): boolean {
    return this.#synced;
  }

  /** A full list replaces what we knew: objects missing from it are gone. */
  replaceAll(objects: TrackedWorkload[]): void {
    const seen = new Set<string>();
    for (const obj of objects) seen.add(this.update(obj));
    for (const [key, entry] of this.#entries) {
      if (!seen.has(key)) this.#forget(key, entry);
    }
    this.#synced = true;
  }

  /** Returns the key of the object. */
  update(obj: TrackedWorkload): string {
    const key = keyOf({
      kind: obj.kind,
      namespace: obj.metadata?.namespace ?? "",
      name: obj.metadata?.name ?? "",
    });
    const previous = this.#entries.get(key);
    this.#entries.set(key, { obj, lastError: previous?.lastError ?? null });
    const type = typeOfKind(obj.kind);
    const ref = { type, name: obj.metadata?.name ?? "", namespace: obj.metadata?.namespace ?? "" };
    setWorkloadActive(ref, obj.status?.active === true);
    this.#lifecycle.observe(ref, obj.status?.active === true, !!obj.metadata?.deletionTimestamp);
    const ready = obj.status?.conditions?.find(c => c.type === "Ready");
    setWorkloadReady(ref, ready?.status === "True");
    return key;
  }

  remove(key: WorkloadKey): void {
    const k = keyOf(key);
    const entry = this.#entries.get(k);
    if (entry) this.#forget(k, entry);
  }

  recordError(key: WorkloadKey, error: string | null): void {
    const entry = this.#entries.get(keyOf(key));
    if (entry) entry.lastError = error;
  }

  #forget(key: string, entry: Entry): void {
    this.#entries.delete(key);
    const type = typeOfKind(entry.obj.kind);
    const ref = {
      type,
      name: entry.obj.metadata?.name ?? "",
      namespace: entry.obj.metadata?.namespace ?? "",
    };
    forgetWorkload(ref);
    this.#lifecycle.removed(ref);
  }

  view(): WorkloadStatus[] {
    const order = (kind: string) => WORKLOAD_KINDS.findIndex(k => k.names.kind === kind);
    return [...this.#entries.values()]
      .map(({ obj, lastError }) => ({
        kind: obj.kind,
        namespace: obj.metadata?.namespace ?? "",
        name: obj.metadata?.name ?? "",
        active: obj.status?.active === true,
        healthy: obj.status?.healthy === true,
        message: obj.status?.message ?? "",
        children: children(obj.kind, obj.metadata?.name ?? "", obj.status),
        lastError,
        conditions: (obj.status?.conditions ?? []).map(c => ({ ...c })),
      }))
      .sort(
        (a, b) =>
          order(a.kind) - order(b.kind) ||
          a.namespace.localeCompare(b.namespace) ||
          a.name.localeCompare(b.name),
      );
  }
}
