// Spec validation the controller does itself: what the CRD schema cannot express (full cron
// expressions, time-zone names, cross-references between volumes and mounts), plus the schema's main
// rules again, because config-file workloads never pass through the API server. The fields every kind
// has are checked here; each kind checks its own (kinds/<kind>/validate.ts) with the helpers below.
import { RESERVED_LABEL_PREFIX } from "../../crd/schema/common-fields";
import type { CommonSpec, PortSpec, ReplicatedSpec, WorkloadPersistentSpec } from "../../crd/types";
import { parseDuration } from "./duration";
import { MAIN_CONTAINER } from "./pod-template";
import { isQuantity } from "./resources";
import { podVolumeNames } from "./volumes";

export type Problems = string[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function checkInt(
  problems: Problems,
  field: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    problems.push(
      `${field} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}, got ${JSON.stringify(value)}`,
    );
  }
}

export function checkEnum(
  problems: Problems,
  field: string,
  value: unknown,
  allowed: readonly string[],
): void {
  if (value === undefined) return;
  if (typeof value !== "string" || !allowed.includes(value)) {
    problems.push(`${field} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  }
}

export function checkDuration(problems: Problems, field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "string" || parseDuration(value) === undefined) {
    problems.push(
      `${field} must be a duration such as "30s" or "1m30s", got ${JSON.stringify(value)}`,
    );
  }
}

function checkResources(problems: Problems, field: string, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    problems.push(
      `${field} must be an object with cpuRequest, memoryRequest, cpuLimit, memoryLimit`,
    );
    return;
  }
  for (const key of ["cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit"]) {
    const q = value[key];
    if (q !== undefined && (typeof q !== "string" || !isQuantity(q))) {
      problems.push(
        `${field}.${key} must be a Kubernetes quantity such as 100m or 64Mi, got ${JSON.stringify(q)}`,
      );
    }
  }
}

function checkStringMap(problems: Problems, field: string, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value) || Object.values(value).some(v => typeof v !== "string")) {
    problems.push(`${field} must be a map of strings to strings`);
  }
}

function checkCommon(spec: CommonSpec, problems: Problems): void {
  if (typeof spec.image !== "string" || spec.image.trim() === "")
    problems.push("image is required");
  if (spec.script !== undefined) {
    if (!Array.isArray(spec.script.commands) || spec.script.commands.length === 0) {
      problems.push("script.commands must list at least one command");
    }
    if (spec.command !== undefined || spec.args !== undefined) {
      problems.push("script and command/args are mutually exclusive: use one of them");
    }
  }
  checkStringMap(problems, "env", spec.env);
  const envNames = new Set(Object.keys(isObject(spec.env) ? spec.env : {}));
  const seen = new Set<string>();
  for (const entry of spec.extraEnv ?? []) {
    if (!entry?.name) problems.push("every extraEnv entry needs a name");
    else if (envNames.has(entry.name))
      problems.push(`${entry.name} is set in both env and extraEnv`);
    else if (seen.has(entry.name)) problems.push(`extraEnv lists ${entry.name} twice`);
    seen.add(entry?.name);
  }
  checkResources(problems, "resources", spec.resources);
  checkStringMap(problems, "nodeSelector", spec.nodeSelector);
  checkStringMap(problems, "podLabels", spec.podLabels);
  for (const key of Object.keys(isObject(spec.podLabels) ? spec.podLabels : {})) {
    if (key.startsWith(RESERVED_LABEL_PREFIX)) {
      problems.push(`podLabels must not use the reserved prefix ${RESERVED_LABEL_PREFIX} (${key})`);
    }
  }
  checkInt(problems, "terminationGracePeriodSeconds", spec.terminationGracePeriodSeconds, 0);

  const volumeNames = podVolumeNames(spec, persistentVolumeNames(spec));
  const duplicates = volumeNames.filter((n, i) => volumeNames.indexOf(n) !== i);
  for (const name of new Set(duplicates)) problems.push(`volume name ${name} is used twice`);
  const known = new Set(volumeNames);
  const checkMounts = (owner: string, mounts: { name: string }[] | undefined) => {
    for (const m of mounts ?? []) {
      if (!known.has(m.name))
        problems.push(`${owner} mounts volume ${m.name}, which the workload does not define`);
    }
  };
  checkMounts("the main container", spec.volumeMounts);
  const sidecarNames = new Set<string>();
  for (const sidecar of spec.sidecars ?? []) {
    if (!sidecar?.name) {
      problems.push("every sidecar needs a name");
      continue;
    }
    if (sidecar.name === MAIN_CONTAINER)
      problems.push(`sidecar name ${MAIN_CONTAINER} is reserved`);
    if (sidecarNames.has(sidecar.name)) problems.push(`sidecar name ${sidecar.name} is used twice`);
    sidecarNames.add(sidecar.name);
    if (typeof sidecar.image !== "string" || sidecar.image.trim() === "") {
      problems.push(`sidecar ${sidecar.name} needs an image`);
    }
    checkResources(problems, `sidecar ${sidecar.name} resources`, sidecar.resources);
    checkMounts(`sidecar ${sidecar.name}`, sidecar.volumeMounts);
  }
}

function persistentVolumeNames(spec: CommonSpec): string[] {
  const pvs = (spec as WorkloadPersistentSpec).persistentVolumes;
  return Array.isArray(pvs) ? pvs.map(v => v.name) : [];
}

function checkPorts(problems: Problems, ports: PortSpec[] | undefined): void {
  const containerPorts = new Set<number>();
  const names = new Set<string>();
  for (const [i, p] of (ports ?? []).entries()) {
    checkInt(problems, `ports[${i}].containerPort`, p.containerPort, 1, 65535);
    checkInt(problems, `ports[${i}].servicePort`, p.servicePort, 1, 65535);
    if (p.containerPort === undefined) problems.push(`ports[${i}].containerPort is required`);
    if (containerPorts.has(p.containerPort))
      problems.push(`containerPort ${p.containerPort} is listed twice`);
    containerPorts.add(p.containerPort);
    if (p.name !== undefined) {
      if (names.has(p.name)) problems.push(`port name ${p.name} is used twice`);
      names.add(p.name);
    }
  }
}

export function checkReplicated(spec: ReplicatedSpec, problems: Problems): void {
  if (spec.replicas === undefined) problems.push("replicas is required");
  checkInt(problems, "replicas", spec.replicas, 0);
  checkPorts(problems, spec.ports);
  checkInt(problems, "healthCheckPort", spec.healthCheckPort, 1, 65535);
  if (spec.healthCheckPath !== undefined) {
    if (!spec.healthCheckPath.startsWith("/")) problems.push("healthCheckPath must start with /");
    if (spec.healthCheckPort === undefined && (spec.ports ?? []).length === 0) {
      problems.push("healthCheckPath needs healthCheckPort or at least one entry in ports");
    }
  }
  checkDuration(problems, "readinessTimeout", spec.readinessTimeout);
}

export const RESTART_POLICIES = ["Always", "OnFailure", "Never"];

/**
 * Human-readable problems with a workload spec; empty when it is valid. The spec is whatever the API
 * server or the config file holds: the kind's checks read every field defensively.
 */
export function validateSpec<S>(kind: { validate(spec: S): string[] }, spec: unknown): string[] {
  if (!isObject(spec)) return ["spec is required"];
  const problems: Problems = [];
  checkCommon(spec as unknown as CommonSpec, problems);
  // Unverified input, typed as the kind's spec only so its checks can name the fields.
  return [...problems, ...kind.validate(spec as unknown as S)];
}
