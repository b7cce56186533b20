// The status the leading controller writes, computed from the children it observed. Pure.
//
// Each kind says what Active and Healthy mean for it (its `verdict`, in kinds/<kind>/status.ts); this
// file turns a verdict into the status and its conditions, the same way for every kind.
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
import type { LeaderRef, WorkloadObject, WorkloadStatus } from "../../crd/types";
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

/** What a kind's verdict knows besides the resource and its children. */
export interface StatusSituation {
  /** This cluster does not lead: the workload is kept stopped here. */
  standby: boolean;
  /** The spec failed validation. */
  invalid: boolean;
}

/** What a kind says about itself; computeStatus turns it into the status and its conditions. */
export interface KindVerdict {
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

/** The complete status for a workload; compare with `statusChanged` before writing it. */
export function computeStatus<S, O>(
  kind: { verdict(cr: WorkloadObject<S>, observed: O, situation: StatusSituation): KindVerdict },
  cr: WorkloadObject<S>,
  observed: O,
  ctx: StatusContext,
): WorkloadStatus {
  const standby = ctx.activeCluster === false;
  const invalid = ctx.specProblems.length > 0;
  const problem = ctx.problem;
  const v = kind.verdict(cr, observed, { standby, invalid });
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
