// The config file's `workloads` section: four lists (processes, cronJobs, services, persistentSets)
// of entries with a name and the custom resource's spec fields. Only what identifies a workload is
// checked here; the spec is validated by the same code that validates custom resources.
import { isMapping } from "./file-layer";
import { API_VERSION } from "../workloads/crd/group";
import { WORKLOAD_KINDS } from "../workloads/kinds/registry";
import type { ConfigWorkload, WorkloadCRDRef, WorkloadKind } from "./types";

/** Each kind's list under `workloads:` (processes, cronJobs, services, persistentSets). */
const LISTS: ReadonlyArray<[string, WorkloadKind]> = WORKLOAD_KINDS.map(k => [
  k.names.configList,
  k.names.kind,
]);

/** Kubernetes object names (RFC 1123 subdomain). */
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Namespace names (RFC 1123 label). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface WorkloadsResult {
  workloads: ConfigWorkload[];
  problems: string[];
  warnings: string[];
}

export function parseWorkloads(section: unknown, defaultNamespace: string): WorkloadsResult {
  const result: WorkloadsResult = { workloads: [], problems: [], warnings: [] };
  if (section === undefined || section === null) return result;
  if (!isMapping(section)) {
    result.problems.push(
      `workloads: must be a mapping with ${LISTS.map(([list]) => list).join(", ")}`,
    );
    return result;
  }
  for (const key of Object.keys(section)) {
    if (!LISTS.some(([list]) => list === key)) {
      result.warnings.push(`workloads.${key}: unknown key, ignored`);
    }
  }
  const seen = new Map<string, string>();
  for (const [list, kind] of LISTS) {
    const entries = section[list];
    if (entries === undefined || entries === null) continue;
    if (!Array.isArray(entries)) {
      result.problems.push(`workloads.${list}: must be a list`);
      continue;
    }
    entries.forEach((entry: unknown, index) => {
      const source = `workloads.${list}[${index}]`;
      if (!isMapping(entry)) {
        result.problems.push(`${source}: must be a mapping with at least a name`);
        return;
      }
      const { name, namespace, workloadCRDRef, ...spec } = entry;
      const problemsBefore = result.problems.length;
      let ref: WorkloadCRDRef | undefined;
      if (workloadCRDRef !== undefined && workloadCRDRef !== null) {
        ref = parseRef(workloadCRDRef, `${source}.workloadCRDRef`, kind, defaultNamespace, result);
        const extra = Object.keys(spec);
        if (extra.length > 0)
          result.warnings.push(
            `${source}: has workloadCRDRef, so its own fields (${extra.join(", ")}) are ignored; the referenced custom resource's spec is used`,
          );
      }
      if (typeof name !== "string" || name === "") {
        result.problems.push(`${source}.name: is required`);
      } else if (name.length > 253 || !NAME.test(name)) {
        result.problems.push(
          `${source}.name: must be a Kubernetes name (lowercase letters, digits, '-', '.'), got ${JSON.stringify(name)}`,
        );
      }
      const ns =
        namespace === undefined || namespace === null || namespace === ""
          ? defaultNamespace
          : namespace;
      if (typeof ns !== "string" || ns.length > 63 || !DNS_LABEL.test(ns)) {
        result.problems.push(
          `${source}.namespace: must be a namespace name, got ${JSON.stringify(ns)}`,
        );
      }
      if (
        result.problems.length > problemsBefore ||
        typeof name !== "string" ||
        typeof ns !== "string"
      )
        return;
      const id = `${kind}/${ns}/${name}`;
      const first = seen.get(id);
      if (first !== undefined) {
        result.problems.push(`${source}.name: duplicates ${first} (${kind} ${ns}/${name})`);
        return;
      }
      seen.set(id, source);
      if (ref !== undefined)
        result.workloads.push({ kind, name, namespace: ns, spec: {}, source, ref });
      else result.workloads.push({ kind, name, namespace: ns, spec, source });
    });
  }
  return result;
}

/**
 * The predecessor's `workloadCRDRef` (apiVersion, kind, name, namespace): its kind must be the list's
 * kind, its namespace defaults to the config's namespace. Pushes every problem found.
 */
function parseRef(
  raw: unknown,
  path: string,
  kind: WorkloadKind,
  defaultNamespace: string,
  result: WorkloadsResult,
): WorkloadCRDRef | undefined {
  if (!isMapping(raw)) {
    result.problems.push(`${path}: must be a mapping with apiVersion, kind, name, namespace`);
    return undefined;
  }
  const before = result.problems.length;
  const apiVersion = raw.apiVersion ?? API_VERSION;
  if (apiVersion !== API_VERSION)
    result.problems.push(
      `${path}.apiVersion: must be ${API_VERSION}, got ${JSON.stringify(apiVersion)}`,
    );
  const refKind = raw.kind ?? kind;
  if (refKind !== kind)
    result.problems.push(
      `${path}.kind: must be ${kind} in this list, got ${JSON.stringify(refKind)}`,
    );
  const name = raw.name;
  if (typeof name !== "string" || name.length > 253 || !NAME.test(name))
    result.problems.push(`${path}.name: must be a Kubernetes name, got ${JSON.stringify(name)}`);
  const namespace = raw.namespace ?? defaultNamespace;
  if (typeof namespace !== "string" || namespace.length > 63 || !DNS_LABEL.test(namespace))
    result.problems.push(
      `${path}.namespace: must be a namespace name, got ${JSON.stringify(namespace)}`,
    );
  if (result.problems.length > before || typeof name !== "string" || typeof namespace !== "string")
    return undefined;
  return { apiVersion: API_VERSION, kind, name, namespace };
}
