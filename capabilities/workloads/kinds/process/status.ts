// What Active and Healthy mean for a WorkloadProcess. Active: the pod exists, is not terminating and
// is Running. Healthy: that pod is Ready, or it Succeeded (a finished run is not a fault). GaveUp (the
// restart budget spent) is neither.
import type { V1Pod } from "@kubernetes/client-node";
import type { WorkloadObject, WorkloadProcessSpec, WorkloadStatus } from "../../crd/types";
import type { KindVerdict, StatusSituation } from "../../controllers/common/status";
import type { ChildSummary } from "../definition";
import { PROCESS_DEFAULTS } from "./schema";

export interface ProcessObserved {
  pod?: V1Pod;
  restartCount: number;
  lastRestartTime?: string;
  /** The restart budget is spent: the controller stopped restarting. */
  gaveUp?: boolean;
}

export function processVerdict(
  cr: WorkloadObject<WorkloadProcessSpec>,
  o: ProcessObserved,
  { standby }: StatusSituation,
): KindVerdict {
  const pod = o.pod;
  const phase = pod?.status?.phase;
  const fields: Partial<WorkloadStatus> = {
    podName: pod?.metadata?.name,
    phase: o.gaveUp ? "GaveUp" : phase,
    restartCount: o.restartCount,
    lastRestartTime: o.lastRestartTime,
  };
  const terminating = !!pod?.metadata?.deletionTimestamp;
  const running = !!pod && !terminating && phase === "Running";
  const ready =
    pod?.status?.conditions?.some(c => c.type === "Ready" && c.status === "True") ?? false;
  const base = {
    active: running,
    activeReason: running
      ? "PodRunning"
      : pod
        ? terminating
          ? "PodTerminating"
          : `Pod${phase ?? "Pending"}`
        : "NoPod",
    activeMessage: running
      ? `pod ${pod?.metadata?.name} is running`
      : pod
        ? `pod ${pod.metadata?.name} is ${terminating ? "terminating" : (phase ?? "Pending")}`
        : "no pod exists",
    fields,
  };
  if (standby) {
    return {
      ...base,
      healthy: !pod,
      healthyReason: pod ? "RunningOnStandby" : "Standby",
      healthyMessage: pod
        ? "this cluster does not lead but the pod still exists here"
        : "this cluster does not lead; the process is stopped here",
      inactiveByDesign: true,
    };
  }
  if (o.gaveUp) {
    const max = cr.spec?.maxRestarts ?? PROCESS_DEFAULTS.maxRestarts;
    return {
      ...base,
      activeReason: "GaveUp",
      healthy: false,
      healthyReason: "RestartBudgetSpent",
      healthyMessage: `gave up after ${o.restartCount} restarts (maxRestarts ${max})`,
      inactiveByDesign: false,
    };
  }
  if (phase === "Succeeded") {
    return {
      ...base,
      healthy: true,
      healthyReason: "Completed",
      healthyMessage: `pod ${pod?.metadata?.name} completed successfully`,
      inactiveByDesign: (cr.spec?.restartPolicy ?? PROCESS_DEFAULTS.restartPolicy) !== "Always",
    };
  }
  if (running && ready) {
    return {
      ...base,
      healthy: true,
      healthyReason: "PodReady",
      healthyMessage: `pod ${pod?.metadata?.name} is ready`,
      inactiveByDesign: false,
    };
  }
  return {
    ...base,
    healthy: false,
    final:
      phase === "Failed" && (cr.spec?.restartPolicy ?? PROCESS_DEFAULTS.restartPolicy) === "Never",
    healthyReason: phase === "Failed" ? "PodFailed" : pod ? "PodNotReady" : "NoPod",
    healthyMessage: pod
      ? `pod ${pod.metadata?.name} is ${phase === "Failed" ? "failed" : "not ready"}`
      : "no pod exists",
    inactiveByDesign: false,
  };
}

/** The dashboard's line for the pod. */
export function processChildren(_name: string, status: WorkloadStatus): ChildSummary[] {
  return status.podName
    ? [{ kind: "Pod", name: status.podName, status: status.phase ?? "Unknown" }]
    : [];
}
