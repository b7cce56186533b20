// A work-queue key as the workload metrics label it (type, name, namespace).
import type { WorkloadRef } from "../metrics";
import { typeOfKind, type WorkloadKindName } from "../workloads/crd/kinds";
import type { WorkloadKey } from "./manager";

export function metricRefOf(key: WorkloadKey): WorkloadRef {
  return {
    type: typeOfKind(key.kind as WorkloadKindName),
    name: key.name,
    namespace: key.namespace,
  };
}
