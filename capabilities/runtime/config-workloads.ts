// Workloads declared in the config file (the predecessor's `workloads:` section) become custom
// resources, applied by the leader through the guarded writer (stamped with its fence epoch, so the
// API server refuses a stale leader's apply like any other write). From then on the same reconcilers
// manage them and `kubectl get`, the API and the dashboard show them like any other.
import type { ConfigWorkload, HighlanderConfig } from "../config";
import { API_VERSION } from "../workloads/crd/group";
import { kindNamed } from "../workloads/kinds/registry";
import { LABEL_TENANT } from "../workloads/controllers/common/labels";
import { durationToSeconds } from "../workloads/controllers/common/duration";
import type { KubeObject } from "./kube-client";
import type { GuardedWriter } from "./writer";

const SOURCE_LABEL = "highlander.plexobject.io/source";

/**
 * The predecessor's config-file entries used a few names of their own: labels and annotations for the
 * pods, and terminationGracePeriod as a duration. They map onto the CRD's spelling; the rest is the same.
 */
export function specFromConfigEntry(
  entry: Record<string, unknown>,
  warnings: string[] = [],
): Record<string, unknown> {
  const { labels, annotations, ...rest } = entry;
  const { terminationGracePeriod, ...spec } = resolveConflicts(rest, warnings);
  if (labels !== undefined && spec.podLabels === undefined) spec.podLabels = labels;
  // Entries come from the predecessor's files: its pod name and labels unless the entry says no.
  if (spec.predecessorNames === undefined) spec.predecessorNames = true;
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

/**
 * The predecessor accepted entries with both `script` and `command`/`args`, or both `gracePeriod` and
 * `terminationGracePeriod`, using one of each pair. We accept them too, with a warning, and the same
 * precedence: `script` wins over `command`/`args`, `gracePeriod` over `terminationGracePeriod`.
 */
function resolveConflicts(
  entry: Record<string, unknown>,
  warnings: string[],
): Record<string, unknown> {
  const out = { ...entry };
  if (out.script !== undefined && (out.command !== undefined || out.args !== undefined)) {
    warnings.push("script and command/args both set: script is used, command/args ignored");
    delete out.command;
    delete out.args;
  }
  const tgp = out.terminationGracePeriod ?? out.terminationGracePeriodSeconds;
  if (out.gracePeriod !== undefined && tgp !== undefined) {
    warnings.push(
      "gracePeriod and terminationGracePeriod both set: gracePeriod is used, terminationGracePeriod ignored",
    );
    delete out.terminationGracePeriod;
    delete out.terminationGracePeriodSeconds;
  }
  return out;
}

/**
 * Checks every config-file workload's spec with the custom resources' rules before start, so a bad
 * entry stops the operator with every problem (field path and message) instead of failing after it leads.
 */
export function checkConfigWorkloads(workloads: readonly ConfigWorkload[]): {
  problems: string[];
  warnings: string[];
} {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const w of workloads) {
    if (w.ref !== undefined) continue;
    const entryWarnings: string[] = [];
    const spec = specFromConfigEntry(w.spec, entryWarnings);
    warnings.push(...entryWarnings.map(m => `${w.source}: ${m}`));
    for (const p of kindNamed(w.kind).validateSpec(spec)) problems.push(`${w.source}.${p}`);
  }
  return { problems, warnings };
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

/**
 * predecessorNames is fixed at creation (the CRD refuses a change: it would rename a running pod), so
 * a workload that already exists keeps its value whatever the config default now is.
 */
export function keepFixedFields(
  desired: KubeObject & { spec: Record<string, unknown> },
  existing: (KubeObject & { spec?: Record<string, unknown> }) | undefined,
): KubeObject & { spec: Record<string, unknown> } {
  if (existing === undefined) return desired;
  const { predecessorNames: _ignored, ...spec } = desired.spec;
  const kept = existing.spec?.predecessorNames;
  return { ...desired, spec: kept === undefined ? spec : { ...spec, predecessorNames: kept } };
}

/** Applies every config-file workload; collects failures (one bad entry does not stop the others). */
export async function applyConfigWorkloads(
  config: HighlanderConfig,
  writer: Pick<GuardedWriter, "apply">,
  read: (
    desired: KubeObject,
  ) => Promise<(KubeObject & { spec?: Record<string, unknown> }) | undefined> = async () =>
    undefined,
): Promise<void> {
  const failures: string[] = [];
  for (const w of config.workloads) {
    if (w.ref !== undefined) continue; // an existing CR: reconciled on its own, nothing to apply
    try {
      const desired = configWorkloadResource(w, config.tenant);
      await writer.apply(keepFixedFields(desired, await read(desired)));
    } catch (err) {
      failures.push(
        `${w.source} (${w.kind} ${w.namespace}/${w.name}): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  if (failures.length > 0)
    throw new Error(`config-file workloads not applied: ${failures.join("; ")}`);
}
