// WorkloadProcess → exactly one Pod, named after the workload (so the API server itself refuses a
// second one). Restarts follow the spec's restartPolicy within maxRestarts, with back-off; the count
// lives in status.restartCount so a new leader continues the same budget.
import type { V1Pod } from "@kubernetes/client-node";
import type { ResourceRef } from "../../runtime/kube-client";
import { buildProcessPod, processPodName, type ProcessCR } from "../controllers/process/build-pod";
import { decideProcessAction } from "../controllers/process/decide-action";
import { buildContext, type ReconcileContext } from "./context";
import { ownedBy } from "./ownership";

export interface ProcessObservation {
  pod?: V1Pod;
  restartCount: number;
  lastRestartTime?: string;
  /** Set when the restart budget is spent and the workload stays down. */
  gaveUp?: string;
  /** A pod of that name exists but is not ours: we leave it alone and say so. */
  conflict?: string;
  requeueAfterMs?: number;
}

function podRef(cr: ProcessCR): ResourceRef {
  return {
    apiVersion: "v1",
    kind: "Pod",
    namespace: cr.metadata?.namespace,
    name: processPodName(cr),
  };
}

export async function observeProcessPod(
  cr: ProcessCR,
  rc: ReconcileContext,
): Promise<V1Pod | undefined> {
  return rc.client.get<V1Pod>(podRef(cr));
}

/** Active mode: make the pod exist and run as the spec says. */
export async function convergeProcess(
  cr: ProcessCR,
  rc: ReconcileContext,
): Promise<ProcessObservation> {
  const pod = await observeProcessPod(cr, rc);
  let restartCount = cr.status?.restartCount ?? 0;
  let lastRestartTime = cr.status?.lastRestartTime;
  if (pod && !ownedBy(pod, cr)) {
    return {
      pod,
      restartCount,
      lastRestartTime,
      conflict: `a pod named ${pod.metadata?.name} exists that this workload does not own; rename one of them`,
    };
  }
  const decision = decideProcessAction(cr, pod, restartCount, rc.now);
  switch (decision.action) {
    case "create": {
      const epoch = rc.writer.epoch();
      const created = await rc.writer.createIfAbsent(buildProcessPod(cr, buildContext(rc, epoch)));
      if (created)
        await rc.events.record(
          cr,
          "Normal",
          "PodCreated",
          `created pod ${processPodName(cr)} (epoch ${epoch})`,
        );
      // A pod that already existed (another writer won the create) is picked up on the next pass.
      return {
        pod: created,
        restartCount,
        lastRestartTime,
        requeueAfterMs: created ? undefined : 1000,
      };
    }
    case "delete-and-recreate": {
      if (!pod) return { restartCount, lastRestartTime };
      await rc.writer.delete(pod);
      if (decision.countsAsRestart) {
        restartCount += 1;
        lastRestartTime = rc.now.toISOString();
      } else if (decision.resetRestarts) {
        restartCount = 0;
      }
      await rc.events.record(
        cr,
        "Normal",
        decision.countsAsRestart ? "Restarting" : "SpecChanged",
        decision.reason,
      );
      // The pod terminates (its grace period applies); the new one is created once it is gone.
      return { pod: undefined, restartCount, lastRestartTime, requeueAfterMs: 1000 };
    }
    case "give-up":
      await rc.events.record(cr, "Warning", "RestartBudgetSpent", decision.reason);
      return { pod, restartCount, lastRestartTime, gaveUp: decision.reason };
    case "wait":
      return { pod, restartCount, lastRestartTime, requeueAfterMs: decision.retryAfterMs };
    case "none":
      return { pod, restartCount, lastRestartTime };
  }
}

/** Standby cluster or deletion: no pod of this workload runs here. Resolves true once none exists. */
export async function stopProcess(
  cr: ProcessCR,
  rc: ReconcileContext,
  why: string,
): Promise<{ stopped: boolean; pod?: V1Pod }> {
  const pod = await observeProcessPod(cr, rc);
  if (!pod || !ownedBy(pod, cr)) return { stopped: true };
  if (!pod.metadata?.deletionTimestamp) {
    await rc.writer.delete(pod);
    await rc.events.record(cr, "Normal", "Stopped", `deleted pod ${pod.metadata?.name}: ${why}`);
  }
  return { stopped: false, pod };
}
