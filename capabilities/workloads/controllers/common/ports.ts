// Container ports and the matching Service ports (servicePort defaults to containerPort).
import type { V1ContainerPort, V1Service, V1ServicePort } from "@kubernetes/client-node";
import type { KindNames } from "../../crd/group";
import type { PortSpec, WorkloadObject } from "../../crd/types";
import type { BuildContext } from "./context";
import { childMetadata, crName, selectorLabels } from "./labels";

/** The protocol of a port that names none (the CRD's default too). */
export const DEFAULT_PROTOCOL = "TCP";

/** Service ports need names once there is more than one; unnamed ones get `port-<containerPort>`. */
function portName(port: PortSpec): string {
  return port.name ?? `port-${port.containerPort}`;
}

export function buildContainerPorts(ports: PortSpec[] | undefined): V1ContainerPort[] {
  return (ports ?? []).map(p => ({
    name: portName(p),
    containerPort: p.containerPort,
    protocol: p.protocol ?? DEFAULT_PROTOCOL,
  }));
}

export function buildServicePorts(ports: PortSpec[] | undefined): V1ServicePort[] {
  return (ports ?? []).map(p => ({
    name: portName(p),
    port: p.servicePort ?? p.containerPort,
    targetPort: p.containerPort,
    protocol: p.protocol ?? DEFAULT_PROTOCOL,
  }));
}

/** A ClusterIP Service named `serviceName` for the workload's ports; undefined when it declares none. */
export function buildPortsClusterIP(
  cr: WorkloadObject<unknown>,
  names: Pick<KindNames, "kind" | "type">,
  ctx: BuildContext,
  ports: PortSpec[] | undefined,
  serviceName: string,
): V1Service | undefined {
  if (!ports || ports.length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: childMetadata(cr, names, ctx, serviceName),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(crName(cr), names.type),
      ports: buildServicePorts(ports),
    },
  };
}
