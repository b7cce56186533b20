// The watches that feed the work queue: our four kinds and their labelled children, cluster-wide or
// only in the configured namespaces (HIGHLANDER_WATCH_NAMESPACES). They are ours rather than Pepr
// watch bindings because Pepr 1.1.4 opens every binding's watch cluster-wide (its namespace filters
// act in the process) and throws an uncaught error when a watch gives up; here a lost watch is a JSON
// log line and a not-ready /readyz, and the watch is retried. Each watch is a Reflector (paged list,
// then a watch that resumes where it was).
import type { Logger } from "../logging";
import { LABEL_MANAGED_BY, MANAGED_BY } from "../workloads/controllers/common/labels";
import { API_VERSION } from "../workloads/crd/group";
import { WORKLOAD_KINDS } from "../workloads/kinds/registry";
import { resourcePath, type KubeObject } from "./kube-client";
import type { CacheScope } from "./object-cache";
import { Reflector, type ReflectorSource } from "./reflector";

export interface WatchHandlers {
  /** A watch of this scope is about to start. */
  onStart?: (scope: CacheScope) => void;
  /** The watch failed FAILURES_BEFORE_LOST times in a row (it keeps trying): what it delivered may go stale. */
  onLost?: (scope: CacheScope) => void;
  /** The watch's full list (first, and when it could not resume), just before its changes arrive as events. */
  onList?: (scope: CacheScope, items: KubeObject[], resourceVersion?: string) => void;
  onWorkload: (obj: KubeObject, deleted: boolean) => void;
  onChild: (obj: KubeObject, deleted: boolean) => void;
}

interface WatchSpec {
  apiVersion: string;
  kind: string;
  children: boolean;
}

const SPECS: WatchSpec[] = [
  ...WORKLOAD_KINDS.map(k => ({ apiVersion: API_VERSION, kind: k.names.kind, children: false })),
  ...[
    ["v1", "Pod"],
    ["batch/v1", "Job"],
    ["apps/v1", "Deployment"],
    ["apps/v1", "StatefulSet"],
    ["v1", "Service"],
  ].map(([apiVersion, kind]) => ({ apiVersion, kind, children: true })),
];

/** After this many failed attempts in a row a watch counts as lost (readiness fails) until it runs again. */
const FAILURES_BEFORE_LOST = 5;

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
  readonly #reflectors: Reflector[] = [];

  constructor(
    private readonly namespaces: readonly string[],
    private readonly handlers: WatchHandlers,
    private readonly source: ReflectorSource,
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
    for (const reflector of this.#reflectors.splice(0)) reflector.stop();
  }

  #open(spec: WatchSpec, namespace: string): void {
    const name = watchName(spec.kind, namespace);
    const labels: Record<string, string> = spec.children ? { [LABEL_MANAGED_BY]: MANAGED_BY } : {};
    const scope: CacheScope = { kind: spec.kind, namespace, labels };
    this.handlers.onStart?.(scope);
    const reflector = new Reflector(
      this.source,
      {
        onListed: (items, resourceVersion) => this.handlers.onList?.(scope, items, resourceVersion),
        onEvent: (obj, type) => {
          const deleted = type === "DELETED";
          if (spec.children) this.handlers.onChild(obj, deleted);
          else this.handlers.onWorkload(obj, deleted);
        },
        onConnected: () => {
          if (this.#lost.delete(name))
            this.log.info({ watch: name }, `watch on ${name} running again`);
        },
        onFailure: (err, failures, retryInMs) => {
          if (failures < FAILURES_BEFORE_LOST) {
            this.log.warn(
              { watch: name, err: errorText(err), retryInMs },
              `watch on ${name} failed; retrying`,
            );
          } else if (!this.#lost.has(name)) {
            this.#lost.set(name, errorText(err));
            this.handlers.onLost?.(scope);
            this.log.error(
              { watch: name, err: errorText(err), retryInMs },
              `lost the watch on ${name}: ${errorText(err)}; not ready until it runs again`,
            );
          } else this.#lost.set(name, errorText(err));
        },
      },
      {
        path: resourcePath({
          apiVersion: spec.apiVersion,
          kind: spec.kind,
          namespace: namespace || undefined,
        }),
        labelSelector: spec.children ? `${LABEL_MANAGED_BY}=${MANAGED_BY}` : undefined,
        apiVersion: spec.apiVersion,
        kind: spec.kind,
        failuresBeforeRelist: FAILURES_BEFORE_LOST,
      },
    );
    this.#reflectors.push(reflector);
    void reflector.run();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
