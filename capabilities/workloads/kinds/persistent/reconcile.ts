// WorkloadPersistent → a StatefulSet with its headless Service (plus a ClusterIP Service for its
// ports) and volume claim templates. Pods are never force-deleted: scaling and deletion go through the
// StatefulSet controller with each pod's grace period. A non-leading cluster keeps it at 0 replicas.
import type { V1Service, V1StatefulSet } from "@kubernetes/client-node";
import {
  buildHeadlessService,
  buildPortsService,
  buildStatefulSet,
  headlessServiceName,
  portsServiceName,
  type PersistentCR,
} from "./build";
import type { PersistentObserved } from "./status";
import type { Observation, Stopping } from "../definition";
import { crName } from "../../controllers/common/labels";
import { buildContext, type ReconcileContext } from "../../reconcilers/context";
import { applyChild, deleteChildIfOwned, readChild, scaleToZero } from "../../reconcilers/children";
import { keepReplicatedStopped } from "../../reconcilers/replicated";

/** Active (or, with `stopped`, at 0 replicas): apply the Services and the StatefulSet. */
async function applyPersistent(
  cr: PersistentCR,
  rc: ReconcileContext,
  stopped?: boolean,
): Promise<PersistentObserved> {
  const ctx = buildContext(rc, rc.writer.epoch(), stopped);
  // The governing Service first: the StatefulSet's pods need it for their DNS names.
  const headlessService = await applyChild<V1Service>(cr, buildHeadlessService(cr, ctx), rc);
  const ports = buildPortsService(cr, ctx);
  if (ports) await applyChild<V1Service>(cr, ports, rc);
  else {
    const ref: V1Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: portsServiceName(cr), namespace: cr.metadata?.namespace },
    };
    await deleteChildIfOwned(cr, ref, rc);
  }
  const statefulSet = await applyChild<V1StatefulSet>(cr, buildStatefulSet(cr, ctx), rc);
  return { statefulSet, headlessService };
}

export async function convergePersistent(
  cr: PersistentCR,
  rc: ReconcileContext,
): Promise<Observation<PersistentObserved>> {
  return { observed: await applyPersistent(cr, rc) };
}

function statefulSetRef(cr: PersistentCR): V1StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: crName(cr), namespace: cr.metadata?.namespace },
  };
}

/** Standby cluster (0 replicas applied) or deletion (the StatefulSet scaled to 0, see scaleToZero). */
export async function keepPersistentStopped(
  cr: PersistentCR,
  rc: ReconcileContext,
  why: string,
  deleting: boolean,
): Promise<Stopping<PersistentObserved>> {
  return keepReplicatedStopped<PersistentObserved>(
    deleting,
    async () => {
      const r = await scaleToZero<V1StatefulSet>(cr, statefulSetRef(cr), rc, why);
      return { stopped: r.stopped, observed: { statefulSet: r.object } };
    },
    () => applyPersistent(cr, rc, true),
    observed => observed.statefulSet?.status?.replicas ?? 0,
  );
}

export async function observePersistent(
  cr: PersistentCR,
  rc: ReconcileContext,
): Promise<PersistentObserved> {
  const ns = cr.metadata?.namespace;
  const statefulSet = await readChild<V1StatefulSet>(rc, statefulSetRef(cr));
  const headlessService = await readChild<V1Service>(rc, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: headlessServiceName(cr), namespace: ns },
  });
  return { statefulSet, headlessService };
}
