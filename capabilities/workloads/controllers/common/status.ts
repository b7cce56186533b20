// The status the leading controller writes, computed from the children it observed. Pure.
//
// What Active and Healthy mean per kind:
// - process:    Active = the pod exists, is not terminating and is Running. Healthy = that pod is Ready,
//               or it Succeeded (a finished run is not a fault). GaveUp (restart budget spent) is neither.
// - cronjob:    Active = not suspended, spec valid and this cluster leads (it schedules runs here).
//               Healthy = the most recent finished run did not fail (true before the first run).
// - service,
//   persistent: Active = the Deployment/StatefulSet exists with desired replicas > 0 here.
//               Healthy = ready replicas == desired replicas and no extra pods, and for services the
//               rollout has not exceeded its progress deadline (readinessTimeout).
// On a cluster that does not lead (activeCluster false) the desired state is "stopped": Healthy then
// means nothing of the workload runs here. An invalid spec makes Healthy false.
// Ready = spec valid, no refused child write, Healthy, and either Active or inactive by design
// (suspended, standby, 0 replicas, completed).
// kstatus conditions (abnormal-true, so tools such as Flux and Argo CD can tell the three states apart):
// Stalled = True for what retrying will not fix (an invalid spec, a child the API server refused, a
// name clash, the restart budget spent, a failed pod that restartPolicy Never does not restart, a rollout
// past its deadline, pods the API refuses to create);
// Reconciling = True while the controller still converges (neither Ready nor Stalled nor settled on a
// finished failure such as a cron job's failed last run).
import type { V1Deployment, V1Job, V1Pod, V1Service, V1StatefulSet } from "@kubernetes/client-node";
import type { WorkloadType } from "../../crd/kinds";
import type {
  ActiveJobRef,
  LeaderRef,
  ReplicatedSpec,
  WorkloadCronJobSpec,
  WorkloadObject,
  WorkloadProcessSpec,
  WorkloadStatus,
} from "../../crd/types";
import { jobFinishedTime, jobScheduledTime, jobState } from "../cronjob/decide-action";
import { buildConditions, type ConditionInput } from "./conditions";

export interface StatusContext {
  now: Date;
  leader: LeaderRef;
  /** false on a cluster that does not lead: its workloads are kept stopped. Default true. */
  activeCluster?: boolean;
  /** From validateSpec; non-empty makes InvalidSpec True. */
  specProblems: string[];
  /** Writing a child failed (refused, clashed, or failing for a while): Ready=False with this reason. */
  problem?: WorkloadProblem;
}

export interface WorkloadProblem {
  /** ChildRejected, ChildConflict or ChildWriteFailing. */
  reason: string;
  /** The API server's own message, naming the object and the field. */
  message: string;
  /** True when retrying will not fix it (Stalled=True); false for transient failures. */
  stalled: boolean;
}

/** Healthy reasons that mean "failed, and the controller will not fix it by itself". */
const STALLED_REASONS = new Set(["RestartBudgetSpent", "ProgressDeadlineExceeded", "PodsRejected"]);
/** Healthy reasons of a failure that is over: nothing is converging until the next run. */
const SETTLED_REASONS = new Set(["LastRunFailed"]);

export interface ProcessObserved {
  kind: "process";
  pod?: V1Pod;
  restartCount: number;
  lastRestartTime?: string;
  /** The restart budget is spent: the controller stopped restarting. */
  gaveUp?: boolean;
}

export interface CronObserved {
  kind: "cronjob";
  /** All Jobs of the workload (active and finished). */
  jobs: V1Job[];
  /** The last tick a Job was created for (defaults to the previous status). */
  lastScheduleTime?: Date | string;
  /** From computeTicks().next; omitted while suspended or invalid. */
  nextScheduleTime?: Date | string;
}

export interface ServiceObserved {
  kind: "service";
  deployment?: V1Deployment;
  /** The ClusterIP Service; expected when the spec has ports. */
  service?: V1Service;
}

export interface PersistentObserved {
  kind: "persistent";
  statefulSet?: V1StatefulSet;
  headlessService?: V1Service;
}

export type ObservedChildren =
  | ProcessObserved
  | CronObserved
  | ServiceObserved
  | PersistentObserved;

interface KindVerdict {
  active: boolean;
  activeReason: string;
  activeMessage: string;
  healthy: boolean;
  healthyReason: string;
  healthyMessage: string;
  /** Not active on purpose (suspended, 0 replicas, completed, standby). */
  inactiveByDesign: boolean;
  /** A failure nothing will retry (a failed pod that restartPolicy Never leaves as it is): Stalled. */
  final?: boolean;
  fields: Partial<WorkloadStatus>;
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

function processVerdict(
  cr: WorkloadObject<WorkloadProcessSpec>,
  o: ProcessObserved,
  standby: boolean,
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
    const max = cr.spec?.maxRestarts ?? 5;
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
      inactiveByDesign: (cr.spec?.restartPolicy ?? "Never") !== "Always",
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
    final: phase === "Failed" && (cr.spec?.restartPolicy ?? "Never") === "Never",
    healthyReason: phase === "Failed" ? "PodFailed" : pod ? "PodNotReady" : "NoPod",
    healthyMessage: pod
      ? `pod ${pod.metadata?.name} is ${phase === "Failed" ? "failed" : "not ready"}`
      : "no pod exists",
    inactiveByDesign: false,
  };
}

function cronVerdict(
  cr: WorkloadObject<WorkloadCronJobSpec>,
  o: CronObserved,
  standby: boolean,
  invalid: boolean,
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

function replicatedVerdict(
  kind: "service" | "persistent",
  cr: WorkloadObject<ReplicatedSpec>,
  workload: V1Deployment | V1StatefulSet | undefined,
  service: { expected: boolean; present: boolean; name: string },
  standby: boolean,
): KindVerdict {
  const what = kind === "service" ? "Deployment" : "StatefulSet";
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
    kind === "service" &&
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

function verdictFor(
  kind: WorkloadType,
  cr: WorkloadObject<unknown>,
  observed: ObservedChildren,
  standby: boolean,
  invalid: boolean,
): KindVerdict {
  if (observed.kind !== kind) {
    throw new Error(`computeStatus(${kind}) was given observations of a ${observed.kind}`);
  }
  switch (observed.kind) {
    case "process":
      return processVerdict(cr as WorkloadObject<WorkloadProcessSpec>, observed, standby);
    case "cronjob":
      return cronVerdict(cr as WorkloadObject<WorkloadCronJobSpec>, observed, standby, invalid);
    case "service": {
      const spec = (cr as WorkloadObject<ReplicatedSpec>).spec;
      return replicatedVerdict(
        "service",
        cr as WorkloadObject<ReplicatedSpec>,
        observed.deployment,
        {
          expected: (spec?.ports ?? []).length > 0,
          present: !!observed.service,
          name: cr.metadata?.name ?? "",
        },
        standby,
      );
    }
    case "persistent":
      return replicatedVerdict(
        "persistent",
        cr as WorkloadObject<ReplicatedSpec>,
        observed.statefulSet,
        {
          expected: true,
          present: !!observed.headlessService,
          name: observed.statefulSet?.spec?.serviceName ?? "",
        },
        standby,
      );
  }
}

/** The complete status for a workload; compare with `statusChanged` before writing it. */
export function computeStatus(
  kind: WorkloadType,
  cr: WorkloadObject<unknown>,
  observed: ObservedChildren,
  ctx: StatusContext,
): WorkloadStatus {
  const standby = ctx.activeCluster === false;
  const invalid = ctx.specProblems.length > 0;
  const problem = ctx.problem;
  const v = verdictFor(kind, cr, observed, standby, invalid);
  let { healthy, healthyReason, healthyMessage } = v;
  if (invalid) {
    healthy = false;
    healthyReason = "InvalidSpec";
    healthyMessage = `the spec is invalid: ${ctx.specProblems.join("; ")}`;
  }
  const ready = !invalid && !problem && healthy && (v.active || v.inactiveByDesign);
  const readyReason = invalid
    ? "InvalidSpec"
    : problem
      ? problem.reason
      : ready
        ? standby
          ? "Standby"
          : v.active
            ? "Running"
            : "InactiveByDesign"
        : healthyReason;
  const message = invalid
    ? healthyMessage
    : problem
      ? problem.message
      : `${v.activeMessage}; ${healthyMessage}`;
  const stalled =
    !ready &&
    (invalid ||
      (problem ? problem.stalled : STALLED_REASONS.has(healthyReason) || v.final === true));
  const settled = !ready && !stalled && !problem && SETTLED_REASONS.has(healthyReason);
  const reconciling = !ready && !stalled && !settled;
  const generation = cr.metadata?.generation;
  const conditionInputs: ConditionInput[] = [
    { type: "Ready", status: ready, reason: readyReason, message },
    {
      type: "Reconciling",
      status: reconciling,
      reason: reconciling ? readyReason : ready ? "Reconciled" : stalled ? "Stalled" : readyReason,
      message: reconciling ? message : ready ? "the children match the spec" : message,
    },
    {
      type: "Stalled",
      status: stalled,
      reason: stalled ? readyReason : "NotStalled",
      message: stalled ? message : "nothing blocks the workload",
    },
    { type: "Active", status: v.active, reason: v.activeReason, message: v.activeMessage },
    { type: "Healthy", status: healthy, reason: healthyReason, message: healthyMessage },
    {
      type: "InvalidSpec",
      status: invalid,
      reason: invalid ? "SpecInvalid" : "SpecValid",
      message: invalid ? ctx.specProblems.join("; ") : "the spec is valid",
    },
  ];
  const status: WorkloadStatus = {
    observedGeneration: generation,
    active: v.active,
    healthy,
    message,
    leader: { ...ctx.leader },
    conditions: buildConditions(conditionInputs, cr.status?.conditions, generation, ctx.now),
    ...v.fields,
  };
  // Drop undefined fields: a merge patch would otherwise carry nulls and two equal statuses differ.
  return Object.fromEntries(
    Object.entries(status).filter(([, val]) => val !== undefined),
  ) as WorkloadStatus;
}
