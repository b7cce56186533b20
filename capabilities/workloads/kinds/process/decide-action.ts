// What the process reconciler should do next, given the pod it observed. Pure: the reconciler does the
// I/O, counts restarts (status.restartCount) and re-queues after `retryAfterMs`.
import type { V1Pod } from "@kubernetes/client-node";
import { ANNOTATION_SPEC_HASH, processPodSpecHash, processSpec, type ProcessCR } from "./build-pod";
import { PROCESS_DEFAULTS } from "./schema";

type ProcessActionKind = "create" | "wait" | "delete-and-recreate" | "give-up" | "none";

export interface ProcessAction {
  action: ProcessActionKind;
  reason: string;
  /** Re-check after this long (wait: backoff left or pod still terminating). */
  retryAfterMs?: number;
  /** delete-and-recreate only: true when it spends one unit of maxRestarts (false for spec changes). */
  countsAsRestart?: boolean;
  /** The spec changed: start the restart budget (status.restartCount) again from 0. */
  resetRestarts?: boolean;
}

export interface BackoffOptions {
  /** First restart delay; doubles per restart (default 10 s, like the kubelet's CrashLoopBackOff). */
  baseDelayMs?: number;
  /** Cap of the delay (default 5 min). */
  maxDelayMs?: number;
  /** How often to look again at a terminating pod (default 2 s). */
  terminatingRecheckMs?: number;
}

/** Delay before restart number `restartsSoFar + 1`. */
export function restartDelayMs(restartsSoFar: number, opts: BackoffOptions = {}): number {
  const base = opts.baseDelayMs ?? 10_000;
  const max = opts.maxDelayMs ?? 300_000;
  return Math.min(max, base * 2 ** Math.min(restartsSoFar, 30));
}

/** When the pod's containers ended: the latest terminated finishedAt, else its start time. */
function podFinishedAt(pod: V1Pod): Date | undefined {
  const times = (pod.status?.containerStatuses ?? [])
    .map(s => s.state?.terminated?.finishedAt)
    .filter((t): t is Date => t !== undefined && t !== null)
    .map(t => new Date(t));
  if (times.length > 0) return new Date(Math.max(...times.map(t => t.getTime())));
  const ready = pod.status?.conditions?.find(c => c.type === "Ready")?.lastTransitionTime;
  if (ready) return new Date(ready);
  return pod.status?.startTime ? new Date(pod.status.startTime) : undefined;
}

export function decideProcessAction(
  cr: ProcessCR,
  observedPod: V1Pod | undefined,
  restartsSoFar: number,
  now: Date,
  opts: BackoffOptions = {},
): ProcessAction {
  const spec = processSpec(cr);
  const policy = spec.restartPolicy ?? PROCESS_DEFAULTS.restartPolicy;
  const maxRestarts = spec.maxRestarts ?? PROCESS_DEFAULTS.maxRestarts;

  if (!observedPod) return { action: "create", reason: "no pod exists yet" };
  if (observedPod.metadata?.deletionTimestamp) {
    return {
      action: "wait",
      reason: "pod is terminating",
      retryAfterMs: opts.terminatingRecheckMs ?? 2000,
    };
  }

  const phase = observedPod.status?.phase ?? "Pending";
  const ended = phase === "Succeeded" || phase === "Failed";
  const podHash = observedPod.metadata?.annotations?.[ANNOTATION_SPEC_HASH];
  if (podHash !== processPodSpecHash(cr)) {
    // Also after the pod ended or the budget was spent: an edited spec deserves a fresh run.
    return {
      action: "delete-and-recreate",
      reason: "the workload spec changed since the pod was created",
      countsAsRestart: false,
      resetRestarts: true,
    };
  }
  if (!ended) return { action: "none", reason: `pod is ${phase}` };

  const wantsRestart = policy === "Always" || (policy === "OnFailure" && phase === "Failed");
  if (!wantsRestart) {
    return { action: "none", reason: `pod ${phase}; restartPolicy ${policy} does not restart it` };
  }
  if (restartsSoFar >= maxRestarts) {
    return {
      action: "give-up",
      reason: `pod ${phase} and the restart budget is spent (${restartsSoFar}/${maxRestarts} restarts)`,
    };
  }
  const delay = restartDelayMs(restartsSoFar, opts);
  const finished = podFinishedAt(observedPod);
  const due = finished ? finished.getTime() + delay : now.getTime();
  if (now.getTime() < due) {
    return {
      action: "wait",
      reason: `pod ${phase}; restart ${restartsSoFar + 1}/${maxRestarts} after back-off`,
      retryAfterMs: due - now.getTime(),
    };
  }
  return {
    action: "delete-and-recreate",
    reason: `pod ${phase}; restart ${restartsSoFar + 1}/${maxRestarts} (restartPolicy ${policy})`,
    countsAsRestart: true,
  };
}
