// Where the watches deliver their events: every object goes into the cache first (what reconciles
// read), then a workload of our tenant is tracked (for the dashboard) and queued; a child (pod, job, …)
// queues its workload, found from the child's labels. Built from the manager's enqueue before the
// watches start, so no event is dropped (the queue holds keys until the manager acts on them).
import { KINDS, WORKLOAD_TYPES } from "../workloads/crd/kinds";
import { LABEL_KIND, LABEL_TENANT, LABEL_WORKLOAD } from "../workloads/controllers/common/labels";
import { tenantOf } from "../workloads/reconcilers/reconcile";
import type { KubeObject } from "./kube-client";
import type { WorkloadKey } from "./manager";
import type { ObjectCache } from "./object-cache";
import type { WatchHandlers } from "./watches";
import type { TrackedWorkload, WorkloadTracker } from "./workload-tracker";

interface WatchEventSinkOptions {
  tenant: string;
  tracker: Pick<WorkloadTracker, "update" | "remove">;
  /** The manager's enqueue. */
  enqueue: (key: WorkloadKey) => void;
  cache: Pick<ObjectCache, "register" | "unsync" | "listed" | "put" | "remove">;
}

export function watchEventSink(opts: WatchEventSinkOptions): WatchHandlers {
  const { cache } = opts;
  const store = (obj: KubeObject, deleted: boolean) =>
    deleted ? cache.remove(obj) : cache.put(obj);
  return {
    onStart: scope => cache.register(scope),
    onLost: scope => cache.unsync(scope),
    onList: (scope, items, resourceVersion) => cache.listed(scope, items, resourceVersion),
    onWorkload(obj, deleted) {
      store(obj, deleted);
      const meta = obj.metadata;
      if (!obj.kind || !meta?.name || !meta.namespace) return;
      if (tenantOf(obj) !== opts.tenant) return;
      const key: WorkloadKey = { kind: obj.kind, namespace: meta.namespace, name: meta.name };
      if (deleted) opts.tracker.remove(key);
      else opts.tracker.update(obj as TrackedWorkload);
      opts.enqueue(key);
    },
    onChild(obj, deleted) {
      store(obj, deleted);
      const labels = obj.metadata?.labels ?? {};
      const type = WORKLOAD_TYPES.find(t => t === labels[LABEL_KIND]);
      const name = labels[LABEL_WORKLOAD];
      if (!type || !name || !obj.metadata?.namespace) return;
      if ((labels[LABEL_TENANT] || "default") !== opts.tenant) return;
      opts.enqueue({ kind: KINDS[type].kind, namespace: obj.metadata.namespace, name });
    },
  };
}
