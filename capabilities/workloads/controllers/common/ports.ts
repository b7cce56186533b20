// Container ports and the matching Service ports (servicePort defaults to containerPort).
import type { V1ContainerPort, V1ServicePort } from "@kubernetes/client-node";
import type { PortSpec } from "../../crd/types";

/** The protocol of a port that names none (the CRD's default too). */
export const DEFAULT_PROTOCOL = "TCP";

/** Service ports need names once there is more than one; unnamed ones get `port-<containerPort>`. */
export function portName(port: PortSpec): string {
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
