// The objects the watches deliver, kept in memory so reconciles read them without asking the API
// server (controller-runtime's informer cache, in small). Each watch registers its scope (a kind, a
// namespace or "" for every namespace, and the labels it selects on) and feeds the store; a scope is
// synced once its first full list has arrived. An entry is replaced only by a newer version, so a
// late watch event never undoes what a write of ours (fed in through the guarded writer) already saw.
import type { KubeObject } from "./kube-client";

/** What one watch covers: a kind in a namespace ("" is every namespace), with these labels. */
export interface CacheScope {
  kind: string;
  namespace: string;
  labels: Record<string, string>;
}

interface ScopeState extends CacheScope {
  synced: boolean;
}

function objectKey(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}/${namespace ?? ""}/${name ?? ""}`;
}

function keyOfObject(obj: KubeObject): string {
  return objectKey(obj.kind ?? "", obj.metadata?.namespace, obj.metadata?.name);
}

function scopeName(scope: Pick<CacheScope, "kind" | "namespace">): string {
  return `${scope.kind} ${scope.namespace === "" ? "cluster-wide" : `in ${scope.namespace}`}`;
}

/** resourceVersions are opaque; the API server's are integers, compared as such when both are. */
export function isNewer(candidate: KubeObject, current: KubeObject): boolean {
  const a = candidate.metadata?.resourceVersion;
  const b = current.metadata?.resourceVersion;
  if (a === undefined || b === undefined) return true;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a !== b;
}

/** Whether `labels` carries every label of `wanted` with the same value. */
function hasLabels(
  labels: Record<string, string> | undefined,
  wanted: Record<string, string>,
): boolean {
  return Object.entries(wanted).every(([k, v]) => labels?.[k] === v);
}

/** "a=b,c=d" (the only selector form the operator writes) as labels; undefined for any other form. */
export function parseSelector(selector: string | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const pair of (selector ?? "").split(",").filter(Boolean)) {
    const match = /^([^=!]+)==?([^=!]*)$/.exec(pair.trim());
    if (!match?.[1]) return undefined;
    out[match[1]] = match[2] ?? "";
  }
  return out;
}

/** The label index's key: one label of one kind. */
function labelKey(kind: string, label: string, value: string): string {
  return `${kind}\0${label}=${value}`;
}

export class ObjectCache {
  readonly #objects = new Map<string, KubeObject>();
  /**
   * Indexes for `list`, which every reconcile calls (a workload's pods, a cron job's Jobs): by kind,
   * and by kind and each label. Scanning every object instead cost a new leader's first pass over
   * 10,000 workloads (20,000 objects held) about 0.5 ms a workload (npm run bench -- scale).
   */
  readonly #byKind = new Map<string, Set<string>>();
  readonly #byLabel = new Map<string, Set<string>>();
  readonly #scopes: ScopeState[] = [];

  #set(key: string, obj: KubeObject): void {
    this.#unindex(key);
    // managedFields are the largest part of most objects and nothing here reads them (controller-
    // runtime strips them the same way). Removed in place: the watch library holds this same object
    // in its own cache, which then shrinks too.
    if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
    this.#objects.set(key, obj);
    const kind = obj.kind ?? "";
    let ofKind = this.#byKind.get(kind);
    if (!ofKind) this.#byKind.set(kind, (ofKind = new Set()));
    ofKind.add(key);
    for (const [label, value] of Object.entries(obj.metadata?.labels ?? {})) {
      const index = labelKey(kind, label, value);
      let keys = this.#byLabel.get(index);
      if (!keys) this.#byLabel.set(index, (keys = new Set()));
      keys.add(key);
    }
  }

  #delete(key: string): void {
    this.#unindex(key);
    this.#objects.delete(key);
  }

  #unindex(key: string): void {
    const old = this.#objects.get(key);
    if (!old) return;
    const kind = old.kind ?? "";
    this.#byKind.get(kind)?.delete(key);
    for (const [label, value] of Object.entries(old.metadata?.labels ?? {})) {
      const index = labelKey(kind, label, value);
      const keys = this.#byLabel.get(index);
      keys?.delete(key);
      if (keys?.size === 0) this.#byLabel.delete(index);
    }
  }

  /** A watch of this scope is about to start: its objects belong here once it lists. */
  register(scope: CacheScope): void {
    if (!this.#scopes.some(s => s.kind === scope.kind && s.namespace === scope.namespace))
      this.#scopes.push({ ...scope, synced: false });
  }

  /** The watch of this scope was lost: what it holds may be stale, so it is read live until it lists. */
  unsync(scope: Pick<CacheScope, "kind" | "namespace">): void {
    const state = this.#scopes.find(s => s.kind === scope.kind && s.namespace === scope.namespace);
    if (state) state.synced = false;
  }

  /**
   * A full list of a scope arrived (`listVersion`, the list's resourceVersion; items as they come,
   * with their kind set): the scope holds exactly its items, except entries newer than the list
   * (written by us since); the scope is synced. Also what repairs an entry a missed event left behind.
   */
  listed(
    scope: Pick<CacheScope, "kind" | "namespace">,
    items: KubeObject[],
    listVersion?: string,
  ): void {
    const state = this.#scopes.find(s => s.kind === scope.kind && s.namespace === scope.namespace);
    if (!state) return;
    const present = new Set<string>();
    for (const item of items) {
      present.add(keyOfObject(item));
      this.put(item);
    }
    const asOfList: KubeObject = { metadata: { resourceVersion: listVersion } };
    for (const [key, obj] of this.#objects) {
      if (present.has(key) || !inScope(obj, state)) continue;
      if (listVersion === undefined || !isNewer(obj, asOfList)) this.#delete(key);
    }
    state.synced = true;
  }

  /** A watched object as it is now (added or modified); ignored when older than the entry held. */
  put(obj: KubeObject): void {
    if (!this.covers(obj)) return;
    const key = keyOfObject(obj);
    const current = this.#objects.get(key);
    if (current && !isNewer(obj, current)) return;
    this.#set(key, obj);
  }

  /** The watch says the object is gone; an entry with another uid (created since) stays. */
  remove(obj: KubeObject): void {
    const key = keyOfObject(obj);
    const current = this.#objects.get(key);
    if (!current) return;
    const uid = obj.metadata?.uid;
    if (uid && current.metadata?.uid && uid !== current.metadata.uid) return;
    this.#delete(key);
  }

  /** We deleted it: until the watch says more, it is terminating (a reconcile must not act twice). */
  markDeleting(obj: KubeObject, now = new Date()): void {
    const key = keyOfObject(obj);
    const current = this.#objects.get(key);
    if (!current || current.metadata?.deletionTimestamp) return;
    const uid = obj.metadata?.uid;
    if (uid && current.metadata?.uid && uid !== current.metadata.uid) return;
    this.#set(key, {
      ...current,
      metadata: { ...current.metadata, deletionTimestamp: now.toISOString() },
    });
  }

  /** Whether a registered watch would deliver this object (kind, namespace and labels). */
  covers(obj: KubeObject): boolean {
    const kind = obj.kind ?? "";
    return this.#scopeOf(kind, obj.metadata?.namespace ?? "", obj.metadata?.labels) !== undefined;
  }

  /**
   * The synced scope that holds objects of `kind` in `namespace` (undefined: not cached, or not
   * synced yet). Its labels say what the cache cannot see: objects without them.
   */
  servingScope(kind: string, namespace: string): CacheScope | undefined {
    return this.#scopes.find(s => s.synced && s.kind === kind && covering(s, namespace));
  }

  /** The object held for kind/namespace/name; callers must not change it. */
  get(kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.#objects.get(objectKey(kind, namespace, name));
  }

  /** Objects of `kind` in `namespace` ("" for every namespace) carrying every label of `labels`. */
  list(kind: string, namespace: string, labels: Record<string, string> = {}): KubeObject[] {
    const ofKind = this.#byKind.get(kind);
    if (!ofKind) return [];
    // The rarest of the wanted labels narrows the candidates; the others are checked on each.
    let candidates = ofKind;
    for (const [label, value] of Object.entries(labels)) {
      const keys = this.#byLabel.get(labelKey(kind, label, value));
      if (!keys) return [];
      if (keys.size < candidates.size) candidates = keys;
    }
    const out: KubeObject[] = [];
    for (const key of candidates) {
      const obj = this.#objects.get(key);
      if (!obj) continue;
      if (namespace !== "" && obj.metadata?.namespace !== namespace) continue;
      if (hasLabels(obj.metadata?.labels, labels)) out.push(obj);
    }
    return out;
  }

  /** Every registered scope has listed once. */
  get synced(): boolean {
    return this.#scopes.length > 0 && this.#scopes.every(s => s.synced);
  }

  /** Scopes still waiting for their first list, named as in logs ("Pod in apps"). */
  unsynced(): string[] {
    return this.#scopes.filter(s => !s.synced).map(scopeName);
  }

  get size(): number {
    return this.#objects.size;
  }

  #scopeOf(kind: string, namespace: string, labels: Record<string, string> | undefined) {
    return this.#scopes.find(
      s => s.kind === kind && covering(s, namespace) && hasLabels(labels, s.labels),
    );
  }
}

function inScope(obj: KubeObject, scope: CacheScope): boolean {
  return (
    obj.kind === scope.kind &&
    covering(scope, obj.metadata?.namespace ?? "") &&
    hasLabels(obj.metadata?.labels, scope.labels)
  );
}

function covering(scope: Pick<CacheScope, "namespace">, namespace: string): boolean {
  return scope.namespace === "" || scope.namespace === namespace;
}
