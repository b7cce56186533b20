// Our tenant's pods read live for /api/pods: the predecessor's PodInfo carried each pod's node,
// creation time, labels and annotations (k8-highlander pkg/service/highlander_service.go listPods),
// which the workload status we track does not hold. The read is a thin edge; the mapping is pure.
import { KINDS, type WorkloadType } from "../workloads/crd/kinds";
import {
  LABEL_KIND,
  LABEL_MANAGED_BY,
  LABEL_TENANT,
  LABEL_WORKLOAD,
  MANAGED_BY,
  tenantLabelValue,
} from "../workloads/controllers/common/labels";
import type { PodDetails } from "./source";

/** The fields of a Pod as the API server returns it that /api/pods serves. */
export interface PodObject {
  metadata?: {
    name?: string;
    namespace?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

/** Lists pods in a namespace ("" for all) matching a label selector. */
export type ListPods = (namespace: string, labelSelector: string) => Promise<PodObject[]>;

function isWorkloadType(value: string | undefined): value is WorkloadType {
  return value !== undefined && Object.prototype.hasOwnProperty.call(KINDS, value);
}

export function podDetails(pod: PodObject): PodDetails {
  const m = pod.metadata ?? {};
  const type = m.labels?.[LABEL_KIND];
  return {
    namespace: m.namespace ?? "",
    name: m.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    node: pod.spec?.nodeName ?? "",
    createdAt: m.creationTimestamp ?? "",
    labels: { ...m.labels },
    annotations: { ...m.annotations },
    workload: {
      kind: isWorkloadType(type) ? KINDS[type].kind : "",
      name: m.labels?.[LABEL_WORKLOAD] ?? "",
    },
  };
}

/** The pods our tenant's workloads own in the watched namespaces, by our labels. */
export async function listPodDetails(
  list: ListPods,
  namespaces: readonly string[],
  tenant: string,
): Promise<PodDetails[]> {
  const selector = `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_TENANT}=${tenantLabelValue(tenant)}`;
  const pods = await Promise.all(namespaces.map(ns => list(ns, selector)));
  return pods.flat().map(podDetails);
}
