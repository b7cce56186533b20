// The predecessor's four resource strings as a core ResourceRequirements.
import type { V1ResourceRequirements } from "@kubernetes/client-node";
import type { ResourcesSpec } from "../../crd/types";

export function buildResources(
  spec: ResourcesSpec | undefined,
): V1ResourceRequirements | undefined {
  if (!spec) return undefined;
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (spec.cpuRequest) requests.cpu = spec.cpuRequest;
  if (spec.memoryRequest) requests.memory = spec.memoryRequest;
  if (spec.cpuLimit) limits.cpu = spec.cpuLimit;
  if (spec.memoryLimit) limits.memory = spec.memoryLimit;
  const out: V1ResourceRequirements = {};
  if (Object.keys(requests).length > 0) out.requests = requests;
  if (Object.keys(limits).length > 0) out.limits = limits;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A Kubernetes quantity ("100m", "0.5", "64Mi", "1e3", "1Gi"); mirrors the API server's grammar. */
const QUANTITY_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\d+))?$/;

export function isQuantity(text: string): boolean {
  return QUANTITY_PATTERN.test(text);
}
