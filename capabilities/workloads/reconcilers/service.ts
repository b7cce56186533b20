// WorkloadService → a Deployment (Recreate by default, so two pods never overlap) and, when it has
// ports, a ClusterIP Service. On a cluster that does not lead, the Deployment is kept at 0 replicas.
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import { buildDeployment, buildService, type ServiceCR } from "../controllers/service/build";
import type { ServiceObserved } from "../controllers/common/status";
import { crName } from "../controllers/common/labels";
import { buildContext, type ReconcileContext } from "./context";
import { applyChild, deleteChildIfOwned, readChild, scaleToZero } from "./children";

function serviceRef(cr: ServiceCR): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: crName(cr), namespace: cr.metadata?.namespace },
  };
}

/** Active (or, with the standby flag in the context, stopped): apply the Deployment and Service. */
export async function convergeService(
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
  return { kind: "service", deployment, service };
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
  return { kind: "service", deployment, service };
}

/** Deletion: the Deployment scaled to 0 without applying the spec again (see scaleToZero). */
export async function stopService(
  cr: ServiceCR,
  rc: ReconcileContext,
  why: string,
): Promise<{ stopped: boolean; observed: ServiceObserved }> {
  const r = await scaleToZero<V1Deployment>(cr, deploymentRef(cr), rc, why);
  return { stopped: r.stopped, observed: { kind: "service", deployment: r.object } };
}
