// WorkloadProcess → exactly one Pod, named after the workload (so the API server itself refuses a
// second one). Restarts follow the spec's restartPolicy within maxRestarts, with back-off; the count
// lives in status.restartCount so a new leader continues the same budget.
import type { V1Pod } from "@kubernetes/client-node";
import type { ResourceRef } from "../../../runtime/kube-client";
import { buildProcessPod, processPodName, type ProcessCR } from "./build-pod";
import { decideProcessAction } from "./decide-action";
import type { ProcessObserved } from "./status";
import type { Observation, Stopping } from "../definition";
import { buildContext, type ReconcileContext } from "../../reconcilers/context";
import { ownedBy } from "../../reconcilers/ownership";

function podRef(cr: ProcessCR): ResourceRef {
  return {
    apiVersion: "v1",
    kind: "Pod",
    namespace: cr.metadata?.namespace,
    name: processPodName(cr),
  };
}

async function readPod(cr: ProcessCR, rc: ReconcileContext): Promise<V1Pod | undefined> {
  return rc.client.get<V1Pod>(podRef(cr));
}

/** The pod as it is, and the restart budget spent so far (kept in the status). */
export async function observeProcess(
  cr: ProcessCR,
  rc: ReconcileContext,
): Promise<ProcessObserved> {
  return { pod: await readPod(cr, rc), restartCount: cr.status?.restartCount ?? 0 };
}

/** Active mode: make the pod exist and run as the spec says. */
export async function convergeProcess(
  cr: ProcessCR,
  rc: ReconcileContext,
): Promise<Observation<ProcessObserved>> {
  const pod = await readPod(cr, rc);
  let restartCount = cr.status?.restartCount ?? 0;
  let lastRestartTime = cr.status?.lastRestartTime;
  const done = (
    observed: Omit<ProcessObserved, "restartCount" | "lastRestartTime">,
    requeueAfterMs?: number,
  ) => ({
    observed: { ...observed, restartCount, lastRestartTime },
    requeueAfterMs,
  });
  // A pod of that name exists but is not ours: we leave it alone and say so.
  const conflict = (other: V1Pod) => ({
    ...done({ pod: other }),
    problem: {
      reason: "ChildConflict",
      message: `a pod named ${other.metadata?.name} exists that this workload does not own; rename one of them`,
      stalled: true,
    },
  });
  if (pod && !ownedBy(pod, cr)) return conflict(pod);
  const decision = decideProcessAction(cr, pod, restartCount, rc.now);
  switch (decision.action) {
    case "create": {
      const epoch = rc.writer.epoch();
      const result = await rc.writer.createOrRead(buildProcessPod(cr, buildContext(rc)));
      if ("created" in result) {
        await rc.events.record(
          cr,
          "Normal",
          "PodCreated",
          `created pod ${processPodName(cr)} (epoch ${epoch})`,
        );
        return done({ pod: result.created });
      }
      // The name is taken: by a pod of ours another writer just made (picked up on the next pass),
      // or by one that is not ours, which we leave alone and say so.
      const existing = result.existing as V1Pod | undefined;
      if (existing && !ownedBy(existing, cr)) return conflict(existing);
      return done({ pod: existing }, 1000);
    }
    case "delete-and-recreate": {
      if (!pod) return done({});
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
      return done({ pod: undefined }, 1000);
    }
    case "give-up":
      await rc.events.record(cr, "Warning", "RestartBudgetSpent", decision.reason);
      return done({ pod, gaveUp: true });
    case "wait":
      return done({ pod }, decision.retryAfterMs);
    case "none":
      return done({ pod });
  }
}

/** Standby cluster or deletion: no pod of this workload runs here. Stopped once none exists. */
export async function stopProcess(
  cr: ProcessCR,
  rc: ReconcileContext,
  why: string,
): Promise<Stopping<ProcessObserved>> {
  const restartCount = cr.status?.restartCount ?? 0;
  const pod = await readPod(cr, rc);
  if (!pod || !ownedBy(pod, cr)) return { stopped: true, observed: { restartCount } };
  if (!pod.metadata?.deletionTimestamp) {
    await rc.writer.delete(pod);
    await rc.events.record(cr, "Normal", "Stopped", `deleted pod ${pod.metadata?.name}: ${why}`);
  }
  return { stopped: false, observed: { pod, restartCount }, requeueAfterMs: 1000 };
}
