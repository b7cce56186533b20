// A WorkloadService's status verdict: the replicated one, over its Deployment and ClusterIP Service.
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import type { WorkloadObject, WorkloadServiceSpec } from "../../crd/types";
import type { KindVerdict, StatusSituation } from "../../controllers/common/status";
import { replicatedVerdict } from "../../controllers/common/replicated-status";

export interface ServiceObserved {
  deployment?: V1Deployment;
  /** The ClusterIP Service; expected when the spec has ports. */
  service?: V1Service;
}

export function serviceVerdict(
  cr: WorkloadObject<WorkloadServiceSpec>,
  o: ServiceObserved,
  { standby }: StatusSituation,
): KindVerdict {
  const service = {
    expected: (cr.spec?.ports ?? []).length > 0,
    present: !!o.service,
    name: cr.metadata?.name ?? "",
  };
  return replicatedVerdict("Deployment", cr, o.deployment, service, standby);
}
