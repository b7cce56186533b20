// Container environment: the predecessor's name→value map plus core EnvVar entries, one list sorted
// by name so the same spec always yields the same pod (no spurious rollouts from map ordering).
import type { V1EnvFromSource, V1EnvVar } from "@kubernetes/client-node";
import type { EnvFromSpec, EnvVarSpec } from "../../crd/types";

export function buildEnv(
  env: Record<string, string> | undefined,
  extraEnv: EnvVarSpec[] | undefined,
): V1EnvVar[] | undefined {
  const byName = new Map<string, V1EnvVar>();
  for (const [name, value] of Object.entries(env ?? {})) byName.set(name, { name, value });
  // extraEnv wins on a clash; the CRD rejects clashes, config-file workloads are checked by validateSpec.
  for (const entry of extraEnv ?? []) {
    const out: V1EnvVar = { name: entry.name };
    if (entry.value !== undefined) out.value = entry.value;
    if (entry.valueFrom !== undefined) out.valueFrom = entry.valueFrom;
    byName.set(entry.name, out);
  }
  if (byName.size === 0) return undefined;
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** envFrom keeps its order: later sources override earlier ones, so order is meaningful. */
export function buildEnvFrom(envFrom: EnvFromSpec[] | undefined): V1EnvFromSource[] | undefined {
  if (!envFrom || envFrom.length === 0) return undefined;
  return envFrom.map(entry => {
    const out: V1EnvFromSource = {};
    if (entry.prefix !== undefined) out.prefix = entry.prefix;
    if (entry.configMapRef) out.configMapRef = { ...entry.configMapRef };
    if (entry.secretRef) out.secretRef = { ...entry.secretRef };
    return out;
  });
}
