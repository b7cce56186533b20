// WorkloadPersistent → a StatefulSet with its headless Service (plus a ClusterIP Service for its
// ports) and volume claim templates. Pods are never force-deleted: scaling and deletion go through the
// StatefulSet controller with each pod's grace period. A non-leading cluster keeps it at 0 replicas.
import type { V1Service, V1StatefulSet } from "@kubernetes/client-node";
import type { WorkloadPersistentSpec } from "../../crd/types";
import {
  buildHeadlessService,
  buildPortsService,
  buildStatefulSet,
  headlessServiceName,
  portsServiceName,
  type PersistentCR,
} from "./build";
import type { PersistentObserved } from "./status";
import type { BuildContext } from "../../controllers/common/context";
import { crName } from "../../controllers/common/labels";
import type { ReconcileContext } from "../../reconcilers/context";
import { applyChild, deleteChildIfOwned, readChild } from "../../reconcilers/children";
import { replicatedReconcile } from "../../reconcilers/replicated";

function serviceRef(cr: PersistentCR, name: string): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: cr.metadata?.namespace },
  };
}

/** The governing Service first (the StatefulSet's pods need it for their DNS names), then the rest. */
async function apply(cr: PersistentCR, rc: ReconcileContext, ctx: BuildContext) {
  const headlessService = await applyChild<V1Service>(cr, buildHeadlessService(cr, ctx), rc);
  const ports = buildPortsService(cr, ctx);
  if (ports) await applyChild<V1Service>(cr, ports, rc);
  else await deleteChildIfOwned(cr, serviceRef(cr, portsServiceName(cr)), rc);
  const statefulSet = await applyChild<V1StatefulSet>(cr, buildStatefulSet(cr, ctx), rc);
  return { statefulSet, headlessService };
}

export const persistentReconcile = replicatedReconcile<
  WorkloadPersistentSpec,
  PersistentObserved,
  V1StatefulSet
>({
  workloadKind: "StatefulSet",
  apply,
  observe: async (cr, rc) => {
    const statefulSetRef: V1StatefulSet = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: crName(cr), namespace: cr.metadata?.namespace },
    };
    return {
      statefulSet: await readChild<V1StatefulSet>(rc, statefulSetRef),
      headlessService: await readChild<V1Service>(rc, serviceRef(cr, headlessServiceName(cr))),
    };
  },
  scaledDown: statefulSet => ({ statefulSet }),
  workloadOf: observed => observed.statefulSet,
});
