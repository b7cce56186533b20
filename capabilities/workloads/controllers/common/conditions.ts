// Condition bookkeeping: lastTransitionTime moves only when a condition's status changes, and a status
// write is needed only when something other than timestamps changed.
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

function withoutTransitionTimes(status: WorkloadStatus | undefined): unknown {
  if (!status) return {};
  const conditions = [...(status.conditions ?? [])]
    .map(c => ({ ...c, lastTransitionTime: undefined }))
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return { ...status, conditions };
}

/** True when `next` differs from `previous` in anything but conditions' lastTransitionTime. */
export function statusChanged(
  previous: WorkloadStatus | undefined,
  next: WorkloadStatus | undefined,
): boolean {
  return (
    stableStringify(withoutTransitionTimes(previous)) !==
    stableStringify(withoutTransitionTimes(next))
  );
}
