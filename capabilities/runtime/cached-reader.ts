// What reconciles read through: the watch-fed cache where it holds the answer, the API server where it
// cannot. A synced scope answers gets and lists from memory (copies, so a reconcile cannot change the
// cache). A miss in a scope that selects on labels (our children) may be an object of that name that
// is not ours — invisible to the watch, yet it must be seen before we create or apply over it — so it
// is read live; misses only happen on create paths, so this stays cheap. Kinds we only ever create
// (never apply over) skip even that read: their create is the check (the guarded writer's createOrRead
// reads what holds the name when the API server refuses a second object). A miss in an unlabelled
// scope (the workloads) is an answer: the watch delivered the deletion. Anything not cached or not
// synced yet is read live: never wrong, only slower.
import type { KubeClient, KubeObject, ResourceRef } from "./kube-client";
import { parseSelector, type ObjectCache } from "./object-cache";
import type { WrittenObjects } from "./writer";

export type Reader = Pick<KubeClient, "get" | "list">;

export class CachedReader implements Reader {
  constructor(
    private readonly cache: ObjectCache,
    private readonly live: Reader,
    /** Child kinds only ever created, never applied over: a miss means absent. */
    private readonly createdOnly: ReadonlySet<string> = new Set(),
  ) {}

  async get<T extends KubeObject>(ref: ResourceRef): Promise<T | undefined> {
    const namespace = ref.namespace ?? "";
    const scope = this.cache.servingScope(ref.kind, namespace);
    if (!scope || !ref.name) return this.live.get<T>(ref);
    const held = this.cache.get(ref.kind, namespace, ref.name);
    if (held) return structuredClone(held) as T;
    if (Object.keys(scope.labels).length > 0 && !this.createdOnly.has(ref.kind))
      return this.live.get<T>(ref);
    return undefined;
  }

  /**
   * From memory when the scope is synced. The cache holds only what the watch selects (our children
   * carry the managed-by label); callers keep only objects their workload owns, which carry it too.
   */
  async list<T extends KubeObject>(ref: ResourceRef, labelSelector?: string): Promise<T[]> {
    const namespace = ref.namespace ?? "";
    const wanted = parseSelector(labelSelector);
    if (!wanted || !this.cache.servingScope(ref.kind, namespace))
      return this.live.list<T>(ref, labelSelector);
    return this.cache.list(ref.kind, namespace, wanted).map(obj => structuredClone(obj) as T);
  }
}

/** What the guarded writer tells the cache after each write, so a read that follows is not older. */
export function writesInto(cache: ObjectCache): WrittenObjects {
  return {
    written: obj => cache.put(obj),
    deleted: obj => cache.markDeleting(obj),
    gone: obj => cache.remove(obj),
  };
}
