// One level-based reconcile of one workload: read it fresh, skip other tenants' resources, handle
// deletion (an orderly stop, then the finalizer comes off), validate what the schema cannot, make the
// children match the spec (or keep them stopped on a standby cluster), and write status only when it
// changed. Safe to repeat; every write goes through the guarded writer.
import type { HandlerResult } from "../../runtime/queue";
import type { KubeObject, ResourceRef } from "../../runtime/kube-client";
import { API_VERSION, typeOfKind, type WorkloadKindName, type WorkloadType } from "../crd/kinds";
import type { WorkloadObject, WorkloadStatus } from "../crd/types";
import { LABEL_TENANT } from "../controllers/common/labels";
import { computeStatus, type ObservedChildren } from "../controllers/common/status";
import { statusChanged } from "../controllers/common/conditions";
import { validateSpec } from "../controllers/common/validate-spec";
import type { ProcessCR } from "../controllers/process/build-pod";
import type { CronJobCR } from "../controllers/cronjob/build-job";
import type { ServiceCR } from "../controllers/service/build";
import type { PersistentCR } from "../controllers/persistent/build";
import type { ReconcileContext } from "./context";
import { ChildConflictError } from "./children";
import { convergeProcess, observeProcessPod, stopProcess } from "./process";
import { convergeCron, listJobs, stopCron } from "./cronjob";
import { convergeService, observeService } from "./service";
import { convergePersistent, observePersistent } from "./persistent";

export const FINALIZER = "highlander.plexobject.io/finalizer";
export const DEFAULT_TENANT = "default";

export type Workload = WorkloadObject<unknown> & KubeObject;

export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

/** Resources without the tenant label belong to the default tenant. */
export function tenantOf(obj: { metadata?: { labels?: Record<string, string> } }): string {
  return obj.metadata?.labels?.[LABEL_TENANT] || DEFAULT_TENANT;
}

function refFor(key: WorkloadRef): ResourceRef {
  return { apiVersion: API_VERSION, kind: key.kind, namespace: key.namespace, name: key.name };
}

interface Outcome {
  observed: ObservedChildren;
  requeueAfterMs?: number;
  /** A clash with an object we do not own: reported like a spec problem, retried with back-off. */
  problem?: string;
}

/** Active mode: make the children match the spec. */
async function converge(type: WorkloadType, cr: Workload, rc: ReconcileContext): Promise<Outcome> {
  switch (type) {
    case "process": {
      const o = await convergeProcess(cr as ProcessCR, rc);
      return {
        observed: {
          kind: "process",
          pod: o.pod,
          restartCount: o.restartCount,
          lastRestartTime: o.lastRestartTime,
          gaveUp: o.gaveUp !== undefined,
        },
        requeueAfterMs: o.requeueAfterMs,
        problem: o.conflict,
      };
    }
    case "cronjob": {
      const o = await convergeCron(cr as CronJobCR, rc);
      return {
        observed: {
          kind: "cronjob",
          jobs: o.jobs,
          lastScheduleTime: o.lastScheduleTime,
          nextScheduleTime: o.nextScheduleTime,
        },
        requeueAfterMs: o.requeueAfterMs,
      };
    }
    case "service":
      return { observed: await convergeService(cr as ServiceCR, rc) };
    case "persistent":
      return { observed: await convergePersistent(cr as PersistentCR, rc) };
  }
}

/** Standby cluster (and deletion): nothing of the workload runs here. */
async function keepStopped(
  type: WorkloadType,
  cr: Workload,
  rc: ReconcileContext,
  why: string,
): Promise<Outcome & { stopped: boolean }> {
  const restartCount = cr.status?.restartCount ?? 0;
  switch (type) {
    case "process": {
      const r = await stopProcess(cr as ProcessCR, rc, why);
      return {
        observed: { kind: "process", pod: r.pod, restartCount },
        stopped: r.stopped,
        requeueAfterMs: r.stopped ? undefined : 1000,
      };
    }
    case "cronjob": {
      const r = await stopCron(cr as CronJobCR, rc, why);
      return {
        observed: { kind: "cronjob", jobs: r.jobs },
        stopped: r.stopped,
        requeueAfterMs: r.stopped ? undefined : 1000,
      };
    }
    case "service": {
      // Scaled to 0 through the controller, so every pod gets its grace period.
      const observed = await convergeService(cr as ServiceCR, rc, true);
      const running = (observed.deployment?.status?.replicas ?? 0) > 0;
      return { observed, stopped: !running, requeueAfterMs: running ? 2000 : undefined };
    }
    case "persistent": {
      const observed = await convergePersistent(cr as PersistentCR, rc, true);
      const running = (observed.statefulSet?.status?.replicas ?? 0) > 0;
      return { observed, stopped: !running, requeueAfterMs: running ? 2000 : undefined };
    }
  }
}

/** What exists now, changing nothing (the spec is invalid: keep everything as it is). */
async function observe(
  type: WorkloadType,
  cr: Workload,
  rc: ReconcileContext,
): Promise<ObservedChildren> {
  switch (type) {
    case "process":
      return {
        kind: "process",
        pod: await observeProcessPod(cr as ProcessCR, rc),
        restartCount: cr.status?.restartCount ?? 0,
      };
    case "cronjob":
      return { kind: "cronjob", jobs: await listJobs(cr as CronJobCR, rc) };
    case "service":
      return observeService(cr as ServiceCR, rc);
    case "persistent":
      return observePersistent(cr as PersistentCR, rc);
  }
}

async function setFinalizers(
  cr: Workload,
  finalizers: string[],
  rc: ReconcileContext,
  ref: ResourceRef,
): Promise<void> {
  // Conditional on the version we read, so a concurrent change to the list is never overwritten.
  await rc.writer.mergePatch(ref, {
    metadata: { finalizers, resourceVersion: cr.metadata?.resourceVersion },
  });
}

async function finalize(
  type: WorkloadType,
  cr: Workload,
  rc: ReconcileContext,
  ref: ResourceRef,
): Promise<HandlerResult | void> {
  const finalizers = cr.metadata?.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return;
  const result = await keepStopped(type, cr, rc, "the workload is being deleted");
  if (!result.stopped) return { requeueAfterMs: result.requeueAfterMs ?? 1000 };
  // Children go with the workload through their owner references (garbage collection).
  await setFinalizers(
    cr,
    finalizers.filter(f => f !== FINALIZER),
    rc,
    ref,
  );
  await rc.events.record(
    cr,
    "Normal",
    "Stopped",
    "stopped; children are removed by garbage collection",
  );
}

function standbyMessage(rc: ReconcileContext): string {
  return `cluster ${rc.leader?.cluster ?? "(unknown)"} is active; this cluster (${rc.cluster}) keeps the workload stopped`;
}

export async function reconcileWorkload(
  key: WorkloadRef,
  rc: ReconcileContext,
): Promise<HandlerResult | void> {
  const type = typeOfKind(key.kind as WorkloadKindName);
  const ref = refFor(key);
  const cr = await rc.client.get<Workload>(ref);
  if (!cr || tenantOf(cr) !== rc.tenant) return;
  if (cr.metadata?.deletionTimestamp) return finalize(type, cr, rc, ref);
  if (!(cr.metadata?.finalizers ?? []).includes(FINALIZER)) {
    await setFinalizers(cr, [...(cr.metadata?.finalizers ?? []), FINALIZER], rc, ref);
    // The patch bumps resourceVersion and fires a watch event: the next pass works on fresh data.
    return { requeueAfterMs: 0 };
  }

  const problems = validateSpec(type, cr.spec, { cronSeconds: rc.cronSeconds });
  let outcome: Outcome;
  if (problems.length > 0) {
    outcome = { observed: await observe(type, cr, rc) };
    await rc.events.record(cr, "Warning", "InvalidSpec", problems.join("; "));
  } else if (rc.mode === "active") {
    try {
      outcome = await converge(type, cr, rc);
    } catch (err) {
      if (!(err instanceof ChildConflictError)) throw err;
      outcome = { observed: await observe(type, cr, rc), problem: err.message };
    }
  } else {
    outcome = await keepStopped(type, cr, rc, standbyMessage(rc));
  }

  const leader = rc.leader ?? { id: "", cluster: "", epoch: 0 };
  // Status carries the epoch this write is fenced with (the writer stamps the same value), so a
  // status that is up to date compares equal and is not written again.
  const epoch = rc.writer.epoch();
  // A name clash with an object we do not own needs the user's action, like an invalid spec.
  const specProblems = outcome.problem ? [...problems, outcome.problem] : problems;
  if (outcome.problem) await rc.events.record(cr, "Warning", "Conflict", outcome.problem);
  let status: WorkloadStatus = computeStatus(type, cr, outcome.observed, {
    now: rc.now,
    leader: { id: leader.id, cluster: leader.cluster, epoch },
    activeCluster: rc.mode === "active",
    specProblems,
  });
  if (rc.mode !== "active") status = { ...status, message: standbyMessage(rc) };
  if (statusChanged(cr.status, status)) await rc.writer.applyStatus(ref, status);
  // Retried with back-off: the clash may be resolved by deleting the other object.
  if (outcome.problem) throw new ChildConflictError(outcome.problem);
  return outcome.requeueAfterMs !== undefined
    ? { requeueAfterMs: outcome.requeueAfterMs }
    : undefined;
}
