// Every workload of our tenant in the watched namespaces (for the manager's resync and the dashboard):
// from the watch-fed cache once it has synced, else a fresh list from the API server; and everything
// that carries an epoch stamp (what a fence created afresh must exceed), always fresh.
import { API_VERSION, KINDS, WORKLOAD_TYPES } from "../workloads/crd/kinds";
import {
  LABEL_MANAGED_BY,
  LABEL_TENANT,
  MANAGED_BY,
  tenantLabelValue,
} from "../workloads/controllers/common/labels";
import { tenantOf } from "../workloads/reconcilers/reconcile";
import type { KubeClient, KubeObject } from "./kube-client";
import type { ObjectCache } from "./object-cache";
import type { TrackedWorkload } from "./workload-tracker";

/** What the operator lists: its tenant, in the watched namespaces ("" is every namespace). */
export interface ListScope {
  tenant: string;
  namespaces: string[];
}

export async function listWorkloads(
  client: KubeClient,
  scope: ListScope,
): Promise<TrackedWorkload[]> {
  const all: TrackedWorkload[] = [];
  for (const namespace of scope.namespaces) {
    for (const type of WORKLOAD_TYPES) {
      const items = await client.list<TrackedWorkload & KubeObject>({
        apiVersion: API_VERSION,
        kind: KINDS[type].kind,
        namespace: namespace || undefined,
      });
      all.push(...items.filter(item => tenantOf(item) === scope.tenant));
    }
  }
  return all;
}

/** Every workload of our tenant as the cache holds it; undefined while a watch of them has not synced. */
export function cachedWorkloads(
  cache: Pick<ObjectCache, "servingScope" | "list">,
  scope: ListScope,
): TrackedWorkload[] | undefined {
  const all: TrackedWorkload[] = [];
  for (const namespace of scope.namespaces) {
    for (const type of WORKLOAD_TYPES) {
      const kind = KINDS[type].kind;
      if (!cache.servingScope(kind, namespace)) return undefined;
      const items = cache.list(kind, namespace) as (TrackedWorkload & KubeObject)[];
      all.push(...items.filter(item => tenantOf(item) === scope.tenant));
    }
  }
  return all;
}

/**
 * From the cache, waiting up to `waitMs` for it to sync (a new leader's watches may still be listing);
 * from the API server when it does not sync in time.
 */
export async function workloadsOnceSynced(
  cache: Pick<ObjectCache, "servingScope" | "list">,
  client: KubeClient,
  scope: ListScope,
  waitMs: number,
): Promise<TrackedWorkload[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const cached = cachedWorkloads(cache, scope);
    if (cached) return cached;
    if (Date.now() >= deadline) return listWorkloads(client, scope);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** The kinds of object the operator stamps with its epoch (children; workloads carry it in status). */
const STAMPED_KINDS = [
  { apiVersion: "v1", kind: "Pod" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "batch/v1", kind: "Job" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
];

/** Everything of our tenant that carries an epoch stamp: what a fence created afresh must exceed. */
export async function listStamped(client: KubeClient, scope: ListScope): Promise<KubeObject[]> {
  const selector = `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_TENANT}=${tenantLabelValue(scope.tenant)}`;
  const all: KubeObject[] = [...(await listWorkloads(client, scope))];
  for (const namespace of scope.namespaces) {
    for (const ref of STAMPED_KINDS) {
      all.push(...(await client.list({ ...ref, namespace: namespace || undefined }, selector)));
    }
  }
  return all;
}
