// Concurrency, suspension and history for cron jobs. Pure: the reconciler lists the workload's Jobs
// (by the stable selector labels), asks these functions, and performs the creates and deletes.
import type { V1Job } from "@kubernetes/client-node";
import type { WorkloadCronJobSpec } from "../../crd/types";
import { ANNOTATION_SCHEDULED_TIME } from "./build-job";
import { CRON_DEFAULTS } from "./schema";

export type JobState = "active" | "succeeded" | "failed";

/** A Job is finished when its Complete or Failed condition is True (as the Kubernetes controller says). */
export function jobState(job: V1Job): JobState {
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.some(c => c.type === type && c.status === "True");
  if (isTrue("Failed")) return "failed";
  if (isTrue("Complete")) return "succeeded";
  return "active";
}

/** The tick a Job ran for (annotation), else its creation time. */
export function jobScheduledTime(job: V1Job): Date | undefined {
  const annotated = job.metadata?.annotations?.[ANNOTATION_SCHEDULED_TIME];
  if (annotated) return new Date(annotated);
  const created = job.metadata?.creationTimestamp;
  return created ? new Date(created) : undefined;
}

/** When a finished Job ended: completionTime, else its Failed/Complete condition's transition. */
export function jobFinishedTime(job: V1Job): Date | undefined {
  if (job.status?.completionTime) return new Date(job.status.completionTime);
  const done = job.status?.conditions?.find(
    c => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
  return done?.lastTransitionTime ? new Date(done.lastTransitionTime) : undefined;
}

type CronActionKind = "none" | "create" | "skip" | "replace";

export interface CronAction {
  action: CronActionKind;
  reason: string;
  /** replace: delete these active Jobs (propagationPolicy Background), then create the new one. */
  jobsToDelete: string[];
  /** create/replace: write the tick to status.lastScheduleTime once the Job exists. */
  recordScheduleTime: boolean;
}

/**
 * What to do about `dueTick` (from computeTicks). `activeJobs`: the workload's unfinished Jobs.
 * On "skip" (Forbid while a run is active) the tick stays unrecorded, so it still runs if the
 * active one ends within startingDeadlineSeconds, as in Kubernetes.
 */
export function decideCronAction(
  spec: WorkloadCronJobSpec,
  activeJobs: V1Job[],
  dueTick: Date | undefined,
  expectedJobName?: string,
): CronAction {
  const none = (reason: string): CronAction => ({
    action: "none",
    reason,
    jobsToDelete: [],
    recordScheduleTime: false,
  });
  if (spec.suspend) return none("suspended");
  if (!dueTick) return none("no run is due");
  const sameTick = activeJobs.find(
    j =>
      (expectedJobName !== undefined && j.metadata?.name === expectedJobName) ||
      jobScheduledTime(j)?.getTime() === dueTick.getTime(),
  );
  if (sameTick) {
    return {
      ...none(`the run for ${dueTick.toISOString()} is already active`),
      recordScheduleTime: true,
    };
  }
  const names = activeJobs.map(j => j.metadata?.name ?? "").filter(n => n !== "");
  const policy = spec.concurrencyPolicy ?? CRON_DEFAULTS.concurrencyPolicy;
  if (names.length === 0 || policy === "Allow") {
    return {
      action: "create",
      reason: `run due at ${dueTick.toISOString()}`,
      jobsToDelete: [],
      recordScheduleTime: true,
    };
  }
  if (policy === "Forbid") {
    return {
      action: "skip",
      reason: `run due at ${dueTick.toISOString()} skipped: ${names.join(", ")} still active (concurrencyPolicy Forbid)`,
      jobsToDelete: [],
      recordScheduleTime: false,
    };
  }
  return {
    action: "replace",
    reason: `run due at ${dueTick.toISOString()} replaces ${names.join(", ")} (concurrencyPolicy Replace)`,
    jobsToDelete: [...names].sort(),
    recordScheduleTime: true,
  };
}

/** Finished Jobs beyond the history limits, oldest first (the newest `limit` of each kind stay). */
export function jobsToPrune(
  jobs: V1Job[],
  successfulLimit: number | undefined,
  failedLimit: number | undefined,
): string[] {
  const byAge = (state: JobState) =>
    jobs
      .filter(j => jobState(j) === state)
      .sort((a, b) => {
        const ta = jobScheduledTime(a)?.getTime() ?? 0;
        const tb = jobScheduledTime(b)?.getTime() ?? 0;
        return ta !== tb ? ta - tb : (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");
      });
  const excess = (list: V1Job[], limit: number) => list.slice(0, Math.max(0, list.length - limit));
  return [
    ...excess(byAge("succeeded"), successfulLimit ?? CRON_DEFAULTS.successfulJobsHistoryLimit),
    ...excess(byAge("failed"), failedLimit ?? CRON_DEFAULTS.failedJobsHistoryLimit),
  ]
    .map(j => j.metadata?.name ?? "")
    .filter(n => n !== "");
}
