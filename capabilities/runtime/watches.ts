// The watches that feed the work queue: our four kinds and their labelled children, cluster-wide or
// only in the configured namespaces (HIGHLANDER_WATCH_NAMESPACES). They are ours rather than Pepr
// watch bindings because Pepr 1.1.4 opens every binding's watch cluster-wide (its namespace filters
// act in the process) and throws an uncaught error when a watch gives up; here a lost watch is a JSON
// log line and a not-ready /readyz, and the watch is retried.
import { K8s, kind } from "pepr";
import { modelToGroupVersionKind, WatchEvent, type GenericClass } from "kubernetes-fluent-client";
import type { Logger } from "../logging";
import { LABEL_MANAGED_BY, MANAGED_BY } from "../workloads/controllers/common/labels";
import { WORKLOAD_MODELS } from "../workloads/crd/register";
import type { KubeObject } from "./kube-client";
import type { CacheScope } from "./object-cache";

export interface WatchHandlers {
  /** A watch of this scope is about to start. */
  onStart?: (scope: CacheScope) => void;
  /** The watch gave up (it is restarted later): what it delivered may go stale. */
  onLost?: (scope: CacheScope) => void;
  /** The watch's full list (first and every relist), just before its new items arrive as events. */
  onList?: (scope: CacheScope, items: KubeObject[], resourceVersion?: string) => void;
  onWorkload: (obj: KubeObject, deleted: boolean) => void;
  onChild: (obj: KubeObject, deleted: boolean) => void;
}

interface WatchSpec {
  model: GenericClass;
  children: boolean;
}

const SPECS: WatchSpec[] = [
  ...WORKLOAD_MODELS.map(model => ({ model, children: false })),
  ...[kind.Pod, kind.Job, kind.Deployment, kind.StatefulSet, kind.Service].map(model => ({
    model: model as GenericClass,
    children: true,
  })),
];

/** After this many failed attempts in a row a watch counts as lost (readiness fails) and restarts later. */
const FAILURES_BEFORE_LOST = 5;
const RESTART_AFTER_MS = 30_000;

/** "Pod in team-a" / "WorkloadProcess cluster-wide": how a watch is named in logs and /readyz. */
function watchName(kindName: string, namespace: string): string {
  return `${kindName} ${namespace === "" ? "cluster-wide" : `in ${namespace}`}`;
}

/** The namespaces to watch: each configured one, or "" (every namespace) when none is. */
export function watchScopes(namespaces: readonly string[]): string[] {
  return namespaces.length === 0 ? [""] : [...namespaces];
}

export class Watches {
  readonly #lost = new Map<string, string>();
  readonly #closers: (() => void)[] = [];
  #stopped = false;

  constructor(
    private readonly namespaces: readonly string[],
    private readonly handlers: WatchHandlers,
    private readonly log: Logger,
  ) {}

  start(): void {
    for (const namespace of watchScopes(this.namespaces)) {
      for (const spec of SPECS) this.#open(spec, namespace);
    }
  }

  /** Watches that gave up, with their last error (empty when every watch is running). */
  lost(): string[] {
    return [...this.#lost.entries()].map(([name, err]) => `${name}: ${err}`);
  }

  stop(): void {
    this.#stopped = true;
    for (const close of this.#closers.splice(0)) close();
  }

  #open(spec: WatchSpec, namespace: string): void {
    const kindName = spec.model.name;
    const name = watchName(kindName, namespace);
    const gvk = modelToGroupVersionKind(kindName);
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    // A list's items carry no kind: every object handed on says what it is.
    const typed = (obj: unknown): KubeObject => ({
      ...(obj as KubeObject),
      apiVersion,
      kind: gvk.kind,
    });
    const labels: Record<string, string> = spec.children ? { [LABEL_MANAGED_BY]: MANAGED_BY } : {};
    const scope: CacheScope = { kind: gvk.kind, namespace, labels };
    this.handlers.onStart?.(scope);
    const watcher = K8s(spec.model, {
      namespace: namespace === "" ? undefined : namespace,
      labels: spec.children ? labels : undefined,
    }).Watch(
      (obj, phase) => {
        const deleted = `${phase}` === "DELETED";
        const object = typed(obj);
        if (spec.children) this.handlers.onChild(object, deleted);
        else this.handlers.onWorkload(object, deleted);
      },
      { resyncFailureMax: FAILURES_BEFORE_LOST },
    );
    this.#closers.push(() => watcher.close());
    watcher.events.on(
      WatchEvent.LIST,
      (list: { items?: unknown[]; metadata?: { resourceVersion?: string } }) =>
        this.handlers.onList?.(
          scope,
          (list.items ?? []).map(typed),
          list.metadata?.resourceVersion,
        ),
    );
    watcher.events.on(WatchEvent.CONNECT, () => {
      if (this.#lost.delete(name)) this.log.info({ watch: name }, `watch on ${name} running again`);
    });
    const warn = (err: unknown) =>
      this.log.warn({ watch: name, err: errorText(err) }, `watch on ${name} failed; retrying`);
    watcher.events.on(WatchEvent.LIST_ERROR, warn);
    watcher.events.on(WatchEvent.NETWORK_ERROR, warn);
    const lose = (err: unknown) => {
      if (this.#stopped) return;
      this.#lost.set(name, errorText(err));
      this.handlers.onLost?.(scope);
      this.log.error(
        { watch: name, err: errorText(err), restartInMs: RESTART_AFTER_MS },
        `lost the watch on ${name}: ${errorText(err)}; not ready until it runs again`,
      );
      watcher.close();
      setTimeout(() => {
        if (!this.#stopped) this.#open(spec, namespace);
      }, RESTART_AFTER_MS).unref();
    };
    watcher.events.on(WatchEvent.GIVE_UP, lose);
    watcher.start().catch(lose);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
