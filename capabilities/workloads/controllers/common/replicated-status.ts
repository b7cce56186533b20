// What Active and Healthy mean for the two replicated kinds (WorkloadService: a Deployment;
// WorkloadPersistent: a StatefulSet). Active: the Deployment/StatefulSet exists with desired replicas
// > 0 here. Healthy: ready replicas == desired replicas and no extra pods, and for services the rollout
// has not exceeded its progress deadline (readinessTimeout).
import type { V1Deployment, V1StatefulSet } from "@kubernetes/client-node";
import type { ReplicatedSpec, WorkloadObject, WorkloadStatus } from "../../crd/types";
import type { KindVerdict } from "./status";
import type { ChildSummary } from "../../kinds/definition";

export function replicatedVerdict(
  what: "Deployment" | "StatefulSet",
  cr: WorkloadObject<ReplicatedSpec>,
  workload: V1Deployment | V1StatefulSet | undefined,
  service: { expected: boolean; present: boolean; name: string },
  standby: boolean,
): KindVerdict {
  const desired = standby ? 0 : (cr.spec?.replicas ?? 0);
  const replicas = workload?.status?.replicas ?? 0;
  const ready = workload?.status?.readyReplicas ?? 0;
  const fields: Partial<WorkloadStatus> = { replicas, readyReplicas: ready };
  const specReplicas = workload?.spec?.replicas ?? 0;
  const active = !!workload && specReplicas > 0;
  const activeReason = active ? "ReplicasRunning" : workload ? "ScaledToZero" : `${what}Missing`;
  const activeMessage = active
    ? `${what} ${workload?.metadata?.name} wants ${specReplicas} replica(s) here`
    : workload
      ? `${what} ${workload.metadata?.name} is scaled to 0`
      : `no ${what} exists`;
  const progress = (workload as V1Deployment | undefined)?.status?.conditions?.find(
    c => c.type === "Progressing",
  );
  const stalled =
    what === "Deployment" &&
    progress?.status === "False" &&
    progress.reason === "ProgressDeadlineExceeded";
  let healthy = ready === desired && replicas === desired && (!!workload || desired === 0);
  let healthyReason = healthy
    ? desired === 0
      ? "Stopped"
      : "AllReplicasReady"
    : "ReplicasNotReady";
  let healthyMessage = `${ready}/${desired} replicas ready`;
  // The ReplicaSet could not create pods (a missing ServiceAccount or PriorityClass, Pod Security):
  // the Deployment says so in ReplicaFailure with the API server's message.
  const replicaFailure = (workload as V1Deployment | undefined)?.status?.conditions?.find(
    c => c.type === "ReplicaFailure" && c.status === "True",
  );
  if (replicaFailure && !healthy) {
    healthyReason = "PodsRejected";
    healthyMessage = `pods cannot be created: ${replicaFailure.message ?? replicaFailure.reason ?? ""}`;
  } else if (stalled) {
    healthy = false;
    healthyReason = "ProgressDeadlineExceeded";
    healthyMessage =
      `rollout did not become ready within readinessTimeout: ${progress?.message ?? ""}`.trim();
  } else if (healthy && desired > 0 && service.expected && !service.present) {
    healthy = false;
    healthyReason = "ServiceMissing";
    healthyMessage = `Service ${service.name} does not exist`;
  }
  if (standby) {
    healthyReason = healthy ? "Standby" : "RunningOnStandby";
    healthyMessage = healthy
      ? "this cluster does not lead; the workload is stopped here"
      : `this cluster does not lead but ${replicas} pod(s) still exist here`;
  }
  return {
    active,
    activeReason,
    activeMessage,
    healthy,
    healthyReason,
    healthyMessage,
    inactiveByDesign: desired === 0,
    fields,
  };
}

/** The dashboard's line for the Deployment or StatefulSet: "ready/existing ready". */
export function replicatedChildren(
  what: "Deployment" | "StatefulSet",
  name: string,
  status: WorkloadStatus,
): ChildSummary[] {
  const ready = `${status.readyReplicas ?? 0}/${status.replicas ?? 0} ready`;
  return status.replicas === undefined ? [] : [{ kind: what, name, status: ready }];
}
