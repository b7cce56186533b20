// WorkloadCronJob → one batch/v1 Job per schedule tick, never two: the Job's name is derived from the
// tick, and it is only ever created (never applied over), so a tick that a previous leader already ran
// — or that two writers race for — ends up with exactly one Job. The reconcile re-queues itself for the
// next tick.
import type { V1Job } from "@kubernetes/client-node";
import { buildJobForTick, cronSpec, jobNameForTick, type CronJobCR } from "./build-job";
import { decideCronAction, jobState, jobsToPrune } from "./decide-action";
import { computeTicks } from "./schedule";
import { selectorLabels, crName } from "../../controllers/common/labels";
import { buildContext, type ReconcileContext } from "../../reconcilers/context";
import { ownedBy } from "../../reconcilers/ownership";
import { cronjobNames } from "./names";
import type { CronObserved } from "./status";
import type { Observation, Stopping } from "../definition";

function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

async function listJobs(cr: CronJobCR, rc: ReconcileContext): Promise<V1Job[]> {
  const jobs = await rc.client.list<V1Job>(
    { apiVersion: "batch/v1", kind: "Job", namespace: cr.metadata?.namespace },
    labelSelector(selectorLabels(crName(cr), cronjobNames.type)),
  );
  return jobs.filter(job => ownedBy(job, cr));
}

/** What exists: every Job of the workload. */
export async function observeCron(cr: CronJobCR, rc: ReconcileContext): Promise<CronObserved> {
  return { jobs: await listJobs(cr, rc) };
}

/** Active mode: run the due tick (once), prune history, and come back at the next tick. */
export async function convergeCron(
  cr: CronJobCR,
  rc: ReconcileContext,
): Promise<Observation<CronObserved>> {
  const spec = cronSpec(cr);
  let jobs = await listJobs(cr, rc);
  const last = cr.status?.lastScheduleTime;
  // A new workload never runs retroactively: ticks count from its creation.
  const created = (cr.metadata as { creationTimestamp?: string | Date } | undefined)
    ?.creationTimestamp;
  const since = created ? new Date(created) : undefined;
  const ticks = computeTicks(spec, last ? new Date(last) : undefined, rc.now, since);
  const active = jobs.filter(job => jobState(job) === "active");
  const expected = ticks.due ? jobNameForTick(crName(cr), ticks.due, spec.schedule) : undefined;
  const decision = decideCronAction(spec, active, ticks.due, expected);
  let lastScheduleTime = last;

  if (decision.action === "skip") {
    await rc.events.record(cr, "Normal", "RunSkipped", decision.reason);
  }
  if (decision.action === "replace") {
    for (const job of active.filter(j => decision.jobsToDelete.includes(j.metadata?.name ?? ""))) {
      await rc.writer.delete(job, "Background");
      await rc.events.record(
        cr,
        "Normal",
        "RunReplaced",
        `deleted active job ${job.metadata?.name}`,
      );
    }
  }
  if ((decision.action === "create" || decision.action === "replace") && ticks.due) {
    const epoch = rc.writer.epoch();
    const job = buildJobForTick(cr, ticks.due, buildContext(rc));
    const made = await rc.writer.createIfAbsent(job);
    if (made) {
      await rc.events.record(
        cr,
        "Normal",
        "JobCreated",
        `created job ${job.metadata?.name} for ${ticks.due.toISOString()} (epoch ${epoch})`,
      );
      // Pruning and the status (lastScheduleTime) wait for the next pass, which finds this Job (the
      // tick's name) and records its tick: when 100 ticks fall on one second, every Job goes out
      // before any of them (npm run bench -- scale).
      return { observed: { jobs: [...jobs, made] }, statusLater: true };
    }
  }
  if (decision.recordScheduleTime && ticks.due) lastScheduleTime = ticks.due.toISOString();

  const prune = new Set(
    jobsToPrune(jobs, spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit),
  );
  for (const job of jobs.filter(j => prune.has(j.metadata?.name ?? ""))) {
    await rc.writer.delete(job, "Background");
  }
  jobs = jobs.filter(j => !prune.has(j.metadata?.name ?? ""));

  // Come back just after the next tick; a suspended cron job is woken by its own edits.
  const requeueAfterMs = spec.suspend
    ? undefined
    : Math.max(50, ticks.next.getTime() - rc.now.getTime() + 50);
  return {
    observed: {
      jobs,
      lastScheduleTime,
      nextScheduleTime: spec.suspend ? undefined : ticks.next.toISOString(),
    },
    requeueAfterMs,
  };
}

/** Standby cluster or deletion: no tick runs here and no Job of this workload stays active. */
export async function stopCron(
  cr: CronJobCR,
  rc: ReconcileContext,
  why: string,
): Promise<Stopping<CronObserved>> {
  const jobs = await listJobs(cr, rc);
  const active = jobs.filter(job => jobState(job) === "active");
  for (const job of active) {
    if (job.metadata?.deletionTimestamp) continue;
    await rc.writer.delete(job, "Background");
    await rc.events.record(
      cr,
      "Normal",
      "Stopped",
      `deleted active job ${job.metadata?.name}: ${why}`,
    );
  }
  const stopped = active.length === 0;
  return { stopped, observed: { jobs }, requeueAfterMs: stopped ? undefined : 1000 };
}
