// WorkloadService → a Deployment (Recreate by default, so two pods never overlap) and, when it has
// ports, a ClusterIP Service. On a cluster that does not lead, the Deployment is kept at 0 replicas.
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import { buildDeployment, buildService, type ServiceCR } from "./build";
import type { ServiceObserved } from "./status";
import type { Observation, Stopping } from "../definition";
import { crName } from "../../controllers/common/labels";
import { buildContext, type ReconcileContext } from "../../reconcilers/context";
import { applyChild, deleteChildIfOwned, readChild, scaleToZero } from "../../reconcilers/children";
import { keepReplicatedStopped } from "../../reconcilers/replicated";

function serviceRef(cr: ServiceCR): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: crName(cr), namespace: cr.metadata?.namespace },
  };
}

/** Active (or, with `stopped`, at 0 replicas): apply the Deployment and Service. */
async function applyService(
  cr: ServiceCR,
  rc: ReconcileContext,
  stopped?: boolean,
): Promise<ServiceObserved> {
  const ctx = buildContext(rc, rc.writer.epoch(), stopped);
  const deployment = await applyChild<V1Deployment>(cr, buildDeployment(cr, ctx), rc);
  const desiredService = buildService(cr, ctx);
  let service: V1Service | undefined;
  if (desiredService) service = await applyChild<V1Service>(cr, desiredService, rc);
  else await deleteChildIfOwned(cr, serviceRef(cr), rc);
  return { deployment, service };
}

export async function convergeService(
  cr: ServiceCR,
  rc: ReconcileContext,
): Promise<Observation<ServiceObserved>> {
  return { observed: await applyService(cr, rc) };
}

function deploymentRef(cr: ServiceCR): V1Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: crName(cr), namespace: cr.metadata?.namespace },
  };
}

/** What exists, without changing anything (for status when the spec is invalid). */
export async function observeService(
  cr: ServiceCR,
  rc: ReconcileContext,
): Promise<ServiceObserved> {
  const deployment = await readChild<V1Deployment>(rc, deploymentRef(cr));
  const service = await readChild<V1Service>(rc, serviceRef(cr));
  return { deployment, service };
}

/** Standby cluster (0 replicas applied) or deletion (the Deployment scaled to 0, see scaleToZero). */
export async function keepServiceStopped(
  cr: ServiceCR,
  rc: ReconcileContext,
  why: string,
  deleting: boolean,
): Promise<Stopping<ServiceObserved>> {
  return keepReplicatedStopped<ServiceObserved>(
    deleting,
    async () => {
      const r = await scaleToZero<V1Deployment>(cr, deploymentRef(cr), rc, why);
      return { stopped: r.stopped, observed: { deployment: r.object } };
    },
    () => applyService(cr, rc, true),
    observed => observed.deployment?.status?.replicas ?? 0,
  );
}
