// The reconcile of the two replicated kinds (WorkloadService: a Deployment; WorkloadPersistent: a
// StatefulSet), around what each applies. Active: the kind applies its children. Standby cluster: the
// same children at 0 replicas (the controller scales down, so every pod gets its grace period).
// Deletion: the Deployment/StatefulSet is only scaled to 0, without applying the spec again (see
// scaleToZero). Stopped once no pod is left.
import type { V1Deployment, V1StatefulSet } from "@kubernetes/client-node";
import type { BuildContext } from "../controllers/common/context";
import { crName } from "../controllers/common/labels";
import type { KindDefinition, KindObject } from "../kinds/definition";
import type { KubeObject } from "../../runtime/kube-client";
import { scaleToZero } from "./children";
import { buildContext, type ReconcileContext } from "./context";

type Workload = V1Deployment | V1StatefulSet;

/** How long to wait before looking again while pods are still stopping. */
const STOPPING_RECHECK_MS = 2000;

interface ReplicatedParts<S, O, W extends Workload> {
  /** "Deployment" or "StatefulSet", named after the workload. */
  workloadKind: "Deployment" | "StatefulSet";
  /** Applies every child (0 replicas when ctx.stopped) and says what it applied. */
  apply(cr: KindObject<S>, rc: ReconcileContext, ctx: BuildContext): Promise<O>;
  /** Reads the children, changing nothing. */
  observe(cr: KindObject<S>, rc: ReconcileContext): Promise<O>;
  /** The observation of a workload being scaled down for deletion. */
  scaledDown(workload: W | undefined): O;
  workloadOf(observed: O): W | undefined;
}

export function replicatedReconcile<S, O, W extends Workload>(
  parts: ReplicatedParts<S, O, W>,
): Pick<KindDefinition<S, O>, "observe" | "converge" | "keepStopped"> {
  const workloadRef = (cr: KindObject<S>): KubeObject => ({
    apiVersion: "apps/v1",
    kind: parts.workloadKind,
    metadata: { name: crName(cr), namespace: cr.metadata?.namespace },
  });
  return {
    observe: parts.observe,
    converge: async (cr, rc) => ({
      observed: await parts.apply(cr, rc, buildContext(rc)),
    }),
    keepStopped: async (cr, rc, why, deleting) => {
      if (deleting) {
        const r = await scaleToZero<W>(cr, workloadRef(cr), rc, why);
        const requeueAfterMs = r.stopped ? undefined : STOPPING_RECHECK_MS;
        return { stopped: r.stopped, observed: parts.scaledDown(r.object), requeueAfterMs };
      }
      const observed = await parts.apply(cr, rc, buildContext(rc, true));
      const running = (parts.workloadOf(observed)?.status?.replicas ?? 0) > 0;
      return {
        observed,
        stopped: !running,
        requeueAfterMs: running ? STOPPING_RECHECK_MS : undefined,
      };
    },
  };
}
