// What Active and Healthy mean for a WorkloadCronJob. Active: not suspended, spec valid and this
// cluster leads (it schedules runs here). Healthy: the most recent finished run did not fail (true
// before the first run).
import type { V1Job } from "@kubernetes/client-node";
import type {
  ActiveJobRef,
  WorkloadCronJobSpec,
  WorkloadObject,
  WorkloadStatus,
} from "../../crd/types";
import type { KindVerdict, StatusSituation } from "../../controllers/common/status";
import type { ChildSummary } from "../definition";
import { jobFinishedTime, jobScheduledTime, jobState } from "./decide-action";

export interface CronObserved {
  /** All Jobs of the workload (active and finished). */
  jobs: V1Job[];
  /** The last tick a Job was created for (defaults to the previous status). */
  lastScheduleTime?: Date | string;
  /** From computeTicks().next; omitted while suspended or invalid. */
  nextScheduleTime?: Date | string;
}

function iso(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return new Date(value).toISOString();
}

function laterOf(a: string | undefined, b: Date | undefined): string | undefined {
  if (!b) return a;
  if (!a) return b.toISOString();
  return new Date(a) >= b ? a : b.toISOString();
}

export function cronVerdict(
  cr: WorkloadObject<WorkloadCronJobSpec>,
  o: CronObserved,
  { standby, invalid }: StatusSituation,
): KindVerdict {
  const previous = cr.status;
  const active: ActiveJobRef[] = [];
  let lastFinished: { state: string; at: number; name: string } | undefined;
  let lastSuccessfulTime = previous?.lastSuccessfulTime;
  let lastFailedTime = previous?.lastFailedTime;
  for (const job of o.jobs) {
    const state = jobState(job);
    const scheduled = jobScheduledTime(job);
    const name = job.metadata?.name ?? "";
    if (state === "active") {
      active.push({ name, ...(scheduled ? { scheduledTime: scheduled.toISOString() } : {}) });
      continue;
    }
    const finished = jobFinishedTime(job);
    if (state === "succeeded") lastSuccessfulTime = laterOf(lastSuccessfulTime, finished);
    else lastFailedTime = laterOf(lastFailedTime, finished);
    const at = scheduled?.getTime() ?? finished?.getTime() ?? 0;
    if (!lastFinished || at > lastFinished.at) lastFinished = { state, at, name };
  }
  active.sort(
    (a, b) =>
      (a.scheduledTime ?? "").localeCompare(b.scheduledTime ?? "") || a.name.localeCompare(b.name),
  );
  const suspended = cr.spec?.suspend === true;
  const fields: Partial<WorkloadStatus> = {
    activeJobs: active,
    lastScheduleTime: iso(o.lastScheduleTime) ?? previous?.lastScheduleTime,
    nextScheduleTime: suspended || invalid || standby ? undefined : iso(o.nextScheduleTime),
    lastSuccessfulTime,
    lastFailedTime,
  };
  const scheduling = !suspended && !standby && !invalid;
  const activeReason = scheduling
    ? "Scheduling"
    : invalid
      ? "InvalidSpec"
      : standby
        ? "Standby"
        : "Suspended";
  const activeMessage = scheduling
    ? `scheduling "${cr.spec?.schedule}" here${active.length > 0 ? `; running ${active.map(j => j.name).join(", ")}` : ""}`
    : invalid
      ? "not scheduling: the spec is invalid"
      : standby
        ? "not scheduling: this cluster does not lead"
        : "not scheduling: suspended";
  if (standby) {
    return {
      active: false,
      activeReason,
      activeMessage,
      healthy: active.length === 0,
      healthyReason: active.length === 0 ? "Standby" : "RunningOnStandby",
      healthyMessage:
        active.length === 0
          ? "no runs here while another cluster leads"
          : "runs are still active on a cluster that does not lead",
      inactiveByDesign: true,
      fields,
    };
  }
  const failed = lastFinished?.state === "failed";
  return {
    active: scheduling,
    activeReason,
    activeMessage,
    healthy: !failed,
    healthyReason: !lastFinished ? "NoRunsYet" : failed ? "LastRunFailed" : "LastRunSucceeded",
    healthyMessage: !lastFinished
      ? "no run has finished yet"
      : `the last run (${lastFinished.name}) ${failed ? "failed" : "succeeded"}`,
    inactiveByDesign: suspended,
    fields,
  };
}

/** The dashboard's lines: the Jobs still running. */
export function cronChildren(_name: string, status: WorkloadStatus): ChildSummary[] {
  return (status.activeJobs ?? []).map(job => ({ kind: "Job", name: job.name, status: "active" }));
}
