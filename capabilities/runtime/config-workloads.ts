// Workloads declared in the config file (the predecessor's `workloads:` section) become custom
// resources, applied by the leader through the guarded writer (stamped with its fence epoch, so the
// API server refuses a stale leader's apply like any other write). From then on the same reconcilers
// manage them and `kubectl get`, the API and the dashboard show them like any other.
import type { ConfigWorkload, HighlanderConfig } from "../config";
import { API_VERSION } from "../workloads/crd/kinds";
import { LABEL_TENANT } from "../workloads/controllers/common/labels";
import { durationToSeconds } from "../workloads/controllers/common/duration";
import type { KubeObject } from "./kube-client";
import type { GuardedWriter } from "./writer";

export const SOURCE_LABEL = "highlander.plexobject.io/source";

/**
 * The predecessor's config-file entries used a few names of their own: labels and annotations for the
 * pods, and terminationGracePeriod as a duration. They map onto the CRD's spelling; the rest is the same.
 */
export function specFromConfigEntry(entry: Record<string, unknown>): Record<string, unknown> {
  const { labels, annotations, terminationGracePeriod, ...spec } = entry;
  if (labels !== undefined && spec.podLabels === undefined) spec.podLabels = labels;
  if (annotations !== undefined && spec.podAnnotations === undefined)
    spec.podAnnotations = annotations;
  if (
    typeof terminationGracePeriod === "string" &&
    spec.terminationGracePeriodSeconds === undefined
  ) {
    const seconds = durationToSeconds(terminationGracePeriod);
    spec.terminationGracePeriodSeconds = seconds ?? terminationGracePeriod;
  }
  return spec;
}

export function configWorkloadResource(
  w: ConfigWorkload,
  tenant: string,
): KubeObject & { spec: Record<string, unknown> } {
  return {
    apiVersion: API_VERSION,
    kind: w.kind,
    metadata: {
      name: w.name,
      namespace: w.namespace,
      labels: { [LABEL_TENANT]: tenant, [SOURCE_LABEL]: "config" },
    },
    spec: specFromConfigEntry(w.spec),
  };
}

/** Applies every config-file workload; collects failures (one bad entry does not stop the others). */
export async function applyConfigWorkloads(
  config: HighlanderConfig,
  writer: Pick<GuardedWriter, "apply">,
): Promise<void> {
  const failures: string[] = [];
  for (const w of config.workloads) {
    try {
      await writer.apply(configWorkloadResource(w, config.tenant));
    } catch (err) {
      failures.push(
        `${w.source} (${w.kind} ${w.namespace}/${w.name}): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  if (failures.length > 0)
    throw new Error(`config-file workloads not applied: ${failures.join("; ")}`);
}
