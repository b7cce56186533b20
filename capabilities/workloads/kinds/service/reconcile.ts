// WorkloadService → a Deployment (Recreate by default, so two pods never overlap) and, when it has
// ports, a ClusterIP Service. On a cluster that does not lead, the Deployment is kept at 0 replicas.
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import type { WorkloadServiceSpec } from "../../crd/types";
import { buildDeployment, buildService, type ServiceCR } from "./build";
import type { ServiceObserved } from "./status";
import type { BuildContext } from "../../controllers/common/context";
import { crName } from "../../controllers/common/labels";
import type { ReconcileContext } from "../../reconcilers/context";
import { applyChild, deleteChildIfOwned, readChild } from "../../reconcilers/children";
import { replicatedReconcile } from "../../reconcilers/replicated";

function ref(cr: ServiceCR, kind: "Service" | "Deployment"): V1Service | V1Deployment {
  const apiVersion = kind === "Service" ? "v1" : "apps/v1";
  return { apiVersion, kind, metadata: { name: crName(cr), namespace: cr.metadata?.namespace } };
}

/** The Deployment, and the Service while the spec has ports (removed when it has none). */
async function apply(cr: ServiceCR, rc: ReconcileContext, ctx: BuildContext) {
  const deployment = await applyChild<V1Deployment>(cr, buildDeployment(cr, ctx), rc);
  const desiredService = buildService(cr, ctx);
  let service: V1Service | undefined;
  if (desiredService) service = await applyChild<V1Service>(cr, desiredService, rc);
  else await deleteChildIfOwned(cr, ref(cr, "Service"), rc);
  return { deployment, service };
}

export const serviceReconcile = replicatedReconcile<
  WorkloadServiceSpec,
  ServiceObserved,
  V1Deployment
>({
  workloadKind: "Deployment",
  apply,
  observe: async (cr, rc) => ({
    deployment: await readChild<V1Deployment>(rc, ref(cr, "Deployment")),
    service: await readChild<V1Service>(rc, ref(cr, "Service")),
  }),
  scaledDown: deployment => ({ deployment }),
  workloadOf: observed => observed.deployment,
});
