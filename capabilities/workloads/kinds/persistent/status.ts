// A WorkloadPersistent's status verdict: the replicated one, over its StatefulSet and headless Service.
import type { V1Service, V1StatefulSet } from "@kubernetes/client-node";
import type { WorkloadObject, WorkloadPersistentSpec } from "../../crd/types";
import type { KindVerdict, StatusSituation } from "../../controllers/common/status";
import { replicatedVerdict } from "../../controllers/common/replicated-status";

export interface PersistentObserved {
  statefulSet?: V1StatefulSet;
  headlessService?: V1Service;
}

export function persistentVerdict(
  cr: WorkloadObject<WorkloadPersistentSpec>,
  o: PersistentObserved,
  { standby }: StatusSituation,
): KindVerdict {
  const service = {
    expected: true,
    present: !!o.headlessService,
    name: o.statefulSet?.spec?.serviceName ?? "",
  };
  return replicatedVerdict("StatefulSet", cr, o.statefulSet, service, standby);
}
