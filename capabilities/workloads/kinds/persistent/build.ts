// A WorkloadPersistent runs as a StatefulSet (OrderedReady, one claim template per persistentVolume),
// its headless Service (serviceName, default: the workload name) and, when it has ports, a ClusterIP
// Service named `<name>-ports` so the two Services never share a name.
import type { V1Service, V1StatefulSet } from "@kubernetes/client-node";
import type { WorkloadObject, WorkloadPersistentSpec } from "../../crd/types";
import type { BuildContext } from "../../controllers/common/context";
import {
  childMetadata,
  crName,
  selectorLabels,
  workloadLabels,
} from "../../controllers/common/labels";
import { buildPodTemplate } from "../../controllers/common/pod-template";
import {
  buildContainerPorts,
  buildPortsClusterIP,
  buildServicePorts,
} from "../../controllers/common/ports";
import { buildProbes } from "../../controllers/common/probes";
import { desiredReplicas } from "../service/build";
import { persistentNames } from "./names";

export type PersistentCR = WorkloadObject<WorkloadPersistentSpec>;

const PORTS_SERVICE_SUFFIX = "-ports";

function persistentSpec(cr: PersistentCR): WorkloadPersistentSpec {
  if (!cr.spec) throw new Error(`WorkloadPersistent ${crName(cr)} has no spec`);
  return cr.spec;
}

export function headlessServiceName(cr: PersistentCR): string {
  return persistentSpec(cr).serviceName ?? crName(cr);
}

export function portsServiceName(cr: PersistentCR): string {
  return `${crName(cr)}${PORTS_SERVICE_SUFFIX}`;
}

export function buildStatefulSet(cr: PersistentCR, ctx: BuildContext): V1StatefulSet {
  const spec = persistentSpec(cr);
  const name = crName(cr);
  const probes = buildProbes(spec);
  const volumes = spec.persistentVolumes ?? [];
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: childMetadata(cr, persistentNames, ctx, name),
    spec: {
      replicas: desiredReplicas(spec, ctx),
      serviceName: headlessServiceName(cr),
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate" },
      // Deleting the workload deletes its claims (the predecessor leaked them); scaling to 0 on a
      // standby cluster or a stop keeps them, so data survives a failover back.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
      selector: { matchLabels: selectorLabels(name, persistentNames.type) },
      template: buildPodTemplate(name, persistentNames.type, ctx.tenant, spec, {
        restartPolicy: "Always",
        ports: buildContainerPorts(spec.ports),
        readinessProbe: probes.readiness,
        livenessProbe: probes.liveness,
        extraMounts: volumes.map(v => ({ name: v.name, mountPath: v.mountPath })),
      }),
      volumeClaimTemplates: volumes.map(v => ({
        metadata: { name: v.name, labels: workloadLabels(name, persistentNames.type, ctx.tenant) },
        spec: {
          accessModes:
            v.accessModes && v.accessModes.length > 0 ? [...v.accessModes] : ["ReadWriteOnce"],
          resources: { requests: { storage: v.size } },
          ...(v.storageClassName !== undefined ? { storageClassName: v.storageClassName } : {}),
        },
      })),
    },
  };
}

/** The StatefulSet's governing Service: headless, so each pod gets a stable DNS name. */
export function buildHeadlessService(cr: PersistentCR, ctx: BuildContext): V1Service {
  const spec = persistentSpec(cr);
  const name = crName(cr);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: childMetadata(cr, persistentNames, ctx, headlessServiceName(cr)),
    spec: {
      clusterIP: "None",
      selector: selectorLabels(name, persistentNames.type),
      ports: buildServicePorts(spec.ports),
    },
  };
}

/** A ClusterIP Service for the ports; undefined when the spec declares no ports. */
export function buildPortsService(cr: PersistentCR, ctx: BuildContext): V1Service | undefined {
  return buildPortsClusterIP(
    cr,
    persistentNames,
    ctx,
    persistentSpec(cr).ports,
    portsServiceName(cr),
  );
}
