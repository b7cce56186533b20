// One level-based reconcile of one workload: read it fresh, skip other tenants' resources, handle
// deletion (an orderly stop, then the finalizer comes off), validate what the schema cannot, make the
// children match the spec (or keep them stopped on a standby cluster), and write status only when it
// changed. Safe to repeat; every write goes through the guarded writer.
// A child the API server refuses (or that clashes with an object we do not own) leaves the children
// as they were and says so on the resource: Ready=False and Stalled=True with the API server's message,
// observedGeneration current, one Warning event per new problem; the reconcile is then retried with
// back-off (the environment may be fixed: a ServiceAccount created). Transient failures are retried
// silently at first and shown (Ready=False, still Reconciling) once they persist.
import type { HandlerResult } from "../../runtime/queue";
import {
  isNotFound,
  KubeApiError,
  type KubeObject,
  type ResourceRef,
} from "../../runtime/kube-client";
import { API_VERSION } from "../crd/group";
import type { WorkloadStatus } from "../crd/types";
import { LABEL_TENANT } from "../controllers/common/labels";
import { computeStatus, type WorkloadProblem } from "../controllers/common/status";
import { classifyWriteError, TRANSIENT_SURFACE_AFTER } from "../controllers/common/write-errors";
import { statusChanged } from "../controllers/common/conditions";
import { validateSpec } from "../controllers/common/validate-spec";
import type { KindDefinition, KindObject, Observation } from "../kinds/definition";
import type { ReconcileContext } from "./context";
import { ChildConflictError } from "./children";

export const FINALIZER = "highlander.plexobject.io/finalizer";
const DEFAULT_TENANT = "default";

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

interface Outcome<O> extends Observation<O> {
  /** Thrown after the status is written, so the queue retries with back-off. */
  error?: unknown;
}

/** Ready reasons worth a Warning event when they first appear (or their message changes). */
const WARNING_REASONS = new Set([
  "InvalidSpec",
  "ChildRejected",
  "ChildConflict",
  "ChildWriteFailing",
  "PodsRejected",
]);

/**
 * What a failed converge means for the resource: a problem to show now, or undefined to rethrow
 * unchanged (fence refusals, lost leadership, a transient error not yet retried long enough).
 */
function problemOf(err: unknown, failuresBefore: number): WorkloadProblem | undefined {
  if (err instanceof ChildConflictError)
    return { reason: "ChildConflict", message: err.message, stalled: true };
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  const facts =
    err instanceof KubeApiError
      ? { status: err.status, message: err.message }
      : err instanceof Error && typeof code === "string"
        ? { code, message: err.message }
        : undefined;
  if (!facts) return undefined;
  const kind = classifyWriteError(facts);
  if (kind === "rejected")
    return { reason: "ChildRejected", message: facts.message, stalled: true };
  if (kind === "transient" && failuresBefore + 1 >= TRANSIENT_SURFACE_AFTER) {
    return {
      reason: "ChildWriteFailing",
      message: `writing a child keeps failing (${failuresBefore + 1} attempts): ${facts.message}`,
      stalled: false,
    };
  }
  return undefined;
}

async function setFinalizers(
  cr: KubeObject,
  finalizers: string[],
  rc: ReconcileContext,
  ref: ResourceRef,
): Promise<void> {
  // Conditional on the version we read, so a concurrent change to the list is never overwritten.
  await rc.writer.mergePatch(ref, {
    metadata: { finalizers, resourceVersion: cr.metadata?.resourceVersion },
  });
}

async function finalize<S, O>(
  kind: KindDefinition<S, O>,
  cr: KindObject<S>,
  rc: ReconcileContext,
  ref: ResourceRef,
): Promise<HandlerResult | void> {
  const finalizers = cr.metadata?.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return;
  const result = await kind.keepStopped(cr, rc, "the workload is being deleted", true);
  if (!result.stopped) return { requeueAfterMs: result.requeueAfterMs ?? 1000 };
  // Children go with the workload through their owner references (garbage collection).
  try {
    await setFinalizers(
      cr,
      finalizers.filter(f => f !== FINALIZER),
      rc,
      ref,
    );
  } catch (err) {
    // Already gone: whoever removed the finalizer (we, in a pass the cache has not caught up with)
    // finished the deletion.
    if (isNotFound(err)) return;
    throw err;
  }
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

/**
 * One reconcile of one workload of `kind`: finalizer, validation, converge (or keep stopped), then the
 * status. The resource is read as the kind's type: the API server checked its shape against the CRD.
 */
export async function reconcileKind<S, O>(
  kind: KindDefinition<S, O>,
  key: WorkloadRef,
  rc: ReconcileContext,
): Promise<HandlerResult | void> {
  const ref = refFor(key);
  const cr = await rc.client.get<KindObject<S>>(ref);
  if (!cr || tenantOf(cr) !== rc.tenant) return;
  if (cr.metadata?.deletionTimestamp) return finalize(kind, cr, rc, ref);
  if (!(cr.metadata?.finalizers ?? []).includes(FINALIZER)) {
    await setFinalizers(cr, [...(cr.metadata?.finalizers ?? []), FINALIZER], rc, ref);
    // The patch bumps resourceVersion and fires a watch event: the next pass works on fresh data.
    return { requeueAfterMs: 0 };
  }

  const problems = validateSpec(kind, cr.spec);
  let outcome: Outcome<O>;
  if (problems.length > 0) {
    outcome = { observed: await kind.observe(cr, rc) };
  } else {
    try {
      outcome =
        rc.mode === "active"
          ? await kind.converge(cr, rc)
          : await kind.keepStopped(cr, rc, standbyMessage(rc), false);
    } catch (err) {
      const problem = problemOf(err, rc.failures ?? 0);
      if (!problem) throw err;
      // The children stay as the API server has them: the last good ones.
      outcome = { observed: await kind.observe(cr, rc), problem, error: err };
    }
  }
  if (outcome.statusLater && !outcome.problem) return { requeueAfterMs: 0 };
  if (outcome.problem?.reason === "ChildConflict" && !outcome.error) {
    outcome.error = new ChildConflictError(outcome.problem.message);
  }

  const leader = rc.leader ?? { id: "", cluster: "", epoch: 0 };
  // Status names the epoch it is written with (the writer stamps the same value); a status equal to
  // what is there but for the leader is not written (statusChanged: a takeover writes nothing).
  const epoch = rc.writer.epoch();
  let status: WorkloadStatus = computeStatus(kind, cr, outcome.observed, {
    now: rc.now,
    leader: { id: leader.id, cluster: leader.cluster, epoch },
    activeCluster: rc.mode === "active",
    specProblems: problems,
    problem: outcome.problem,
  });
  if (rc.mode !== "active" && !outcome.problem) status = { ...status, message: standbyMessage(rc) };
  await warnOnNewProblem(cr, status, rc);
  if (statusChanged(cr.status, status)) await rc.writer.applyStatus(ref, status);
  // Retried with back-off: the clash may be resolved by deleting the other object, a refusal by
  // fixing the environment (the status and the event already say what is wrong).
  if (outcome.error) throw outcome.error;
  return outcome.requeueAfterMs !== undefined
    ? { requeueAfterMs: outcome.requeueAfterMs }
    : undefined;
}

/** One Warning event per problem: only when Ready's reason or message differs from what was shown. */
async function warnOnNewProblem(
  cr: KindObject<unknown>,
  status: WorkloadStatus,
  rc: ReconcileContext,
): Promise<void> {
  const now = status.conditions?.find(c => c.type === "Ready");
  if (!now || now.status === "True" || !WARNING_REASONS.has(now.reason)) return;
  const before = cr.status?.conditions?.find(c => c.type === "Ready");
  if (before && before.reason === now.reason && before.message === now.message) return;
  await rc.events.record(cr, "Warning", now.reason, now.message);
}
