// A WorkloadService runs as a Deployment plus a ClusterIP Service. The Deployment uses Recreate by
// default so an old and a new pod never run at the same time (the predecessor's RollingUpdate did).
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import type { WorkloadObject, WorkloadServiceSpec } from "../../crd/types";
import type { BuildContext } from "../../controllers/common/context";
import { durationToSeconds } from "../../controllers/common/duration";
import { childMetadata, crName, selectorLabels } from "../../controllers/common/labels";
import { buildPodTemplate } from "../../controllers/common/pod-template";
import { buildContainerPorts, buildPortsClusterIP } from "../../controllers/common/ports";
import { buildProbes } from "../../controllers/common/probes";
import { serviceNames } from "./names";

export type ServiceCR = WorkloadObject<WorkloadServiceSpec>;

function serviceSpec(cr: ServiceCR): WorkloadServiceSpec {
  if (!cr.spec) throw new Error(`WorkloadService ${crName(cr)} has no spec`);
  return cr.spec;
}

/** Desired replicas here: 0 on a cluster that does not lead (ctx.stopped). */
export function desiredReplicas(spec: { replicas: number }, ctx: BuildContext): number {
  return ctx.stopped ? 0 : spec.replicas;
}

export function buildDeployment(cr: ServiceCR, ctx: BuildContext): V1Deployment {
  const spec = serviceSpec(cr);
  const name = crName(cr);
  const probes = buildProbes(spec);
  const deploymentSpec: V1Deployment["spec"] = {
    replicas: desiredReplicas(spec, ctx),
    selector: { matchLabels: selectorLabels(name, serviceNames.type) },
    strategy:
      spec.strategy === "RollingUpdate"
        ? { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }
        : { type: "Recreate" },
    template: buildPodTemplate(name, serviceNames.type, ctx.tenant, spec, {
      restartPolicy: "Always",
      ports: buildContainerPorts(spec.ports),
      readinessProbe: probes.readiness,
      livenessProbe: probes.liveness,
    }),
  };
  const deadline = spec.readinessTimeout ? durationToSeconds(spec.readinessTimeout) : undefined;
  // progressDeadlineSeconds must be > 0 (and > minReadySeconds, which we leave at 0).
  if (deadline !== undefined) deploymentSpec.progressDeadlineSeconds = Math.max(1, deadline);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: childMetadata(cr, serviceNames, ctx, name),
    spec: deploymentSpec,
  };
}

/** The ClusterIP Service named like the workload; undefined when the spec declares no ports. */
export function buildService(cr: ServiceCR, ctx: BuildContext): V1Service | undefined {
  return buildPortsClusterIP(cr, serviceNames, ctx, serviceSpec(cr).ports, crName(cr));
}
