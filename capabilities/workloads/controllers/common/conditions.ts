// Condition bookkeeping: lastTransitionTime moves only when a condition's status changes, and a status
// write is needed only when something other than timestamps and the leader changed.
import type { Condition, WorkloadStatus } from "../../crd/types";
import { stableStringify } from "./hash";

export interface ConditionInput {
  type: string;
  status: boolean | "Unknown";
  reason: string;
  message: string;
}

/** Builds conditions, keeping each one's previous lastTransitionTime while its status is unchanged. */
export function buildConditions(
  inputs: ConditionInput[],
  previous: Condition[] | undefined,
  generation: number | undefined,
  now: Date,
): Condition[] {
  return inputs.map(input => {
    const status: Condition["status"] =
      input.status === "Unknown" ? "Unknown" : input.status ? "True" : "False";
    const before = previous?.find(c => c.type === input.type);
    const condition: Condition = {
      type: input.type,
      status,
      reason: input.reason,
      message: input.message,
      lastTransitionTime:
        before && before.status === status && before.lastTransitionTime
          ? before.lastTransitionTime
          : now.toISOString(),
    };
    if (generation !== undefined) condition.observedGeneration = generation;
    return condition;
  });
}

/**
 * What a status says about the workload: without conditions' lastTransitionTime, and without the
 * leader. `status.leader` names the leader that last wrote the status; a new leader that finds the
 * workload as it was writes nothing (a takeover at 1,000 workloads would otherwise be 1,000 status
 * writes), and names itself with the next change. The current leader is in `kubectl get leaders`.
 */
function comparable(status: WorkloadStatus | undefined): unknown {
  if (!status) return {};
  const conditions = [...(status.conditions ?? [])]
    .map(c => ({ ...c, lastTransitionTime: undefined }))
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return { ...status, leader: undefined, conditions };
}

/** True when `next` differs from `previous` in anything but transition times and the leader. */
export function statusChanged(
  previous: WorkloadStatus | undefined,
  next: WorkloadStatus | undefined,
): boolean {
  return stableStringify(comparable(previous)) !== stableStringify(comparable(next));
}
