// Pure: turns `highlander create <kind> --flags…` into the custom resource to apply. Covers the
// predecessor's create-cronjob script flags (name, namespace, image, shell, schedule, restart policy,
// cpu/memory requests and limits) and the rest of each kind's required fields.
import {
  API_VERSION,
  KINDS,
  WORKLOAD_TYPES,
  type WorkloadType,
} from "../capabilities/workloads/crd/kinds";
import { flag, flags, rejectUnknown, UsageError, type ParsedArgs } from "./args";

const TENANT_LABEL = "highlander.plexobject.io/tenant";

/** Accepts a type (cronjob), a kind (WorkloadCronJob), its plural, singular or short names. */
export function resolveType(word: string | undefined): WorkloadType {
  const w = (word ?? "").toLowerCase();
  const found = WORKLOAD_TYPES.find(t => {
    const k = KINDS[t];
    return [t, k.kind.toLowerCase(), k.plural, k.singular, ...k.shortNames].includes(w);
  });
  if (!found) {
    throw new UsageError(
      `unknown workload kind "${word ?? ""}"; use one of ${WORKLOAD_TYPES.join(", ")} (or their short names)`,
    );
  }
  return found;
}

export const CREATE_FLAGS = [
  "name", "namespace", "image", "shell", "script", "command", "arg", "schedule", "restart-policy",
  "cpu-request", "memory-request", "cpu-limit", "memory-limit", "env", "replicas", "port",
  "health-check-path", "health-check-port", "volume", "max-restarts", "concurrency-policy", "time-zone",
  "tenant", "dry-run", "kubeconfig",
] as const; // prettier-ignore

export interface WorkloadResource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

function int(args: ParsedArgs, name: string): number | undefined {
  const raw = flag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value))
    throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

function keyValues(values: string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`${what} must look like KEY=VALUE, got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `name:containerPort[:servicePort]` or just `containerPort`. */
function parsePort(text: string, index: number): Record<string, unknown> {
  const parts = text.split(":");
  const numbers = parts.filter(p => /^\d+$/.test(p)).map(Number);
  const name = /^\d+$/.test(parts[0]) ? `port-${index}` : parts[0];
  if (numbers.length < 1 || numbers.length > 2) {
    throw new UsageError(`--port must look like name:containerPort[:servicePort], got "${text}"`);
  }
  return numbers.length === 2
    ? { name, containerPort: numbers[0], servicePort: numbers[1] }
    : { name, containerPort: numbers[0] };
}

/** `name:mountPath:size[:storageClass]`. */
function parseVolume(text: string): Record<string, unknown> {
  const [name, mountPath, size, storageClassName] = text.split(":");
  if (!name || !mountPath || !size)
    throw new UsageError(
      `--volume must look like name:mountPath:size[:storageClass], got "${text}"`,
    );
  return storageClassName ? { name, mountPath, size, storageClassName } : { name, mountPath, size };
}

export function workloadFromFlags(type: WorkloadType, args: ParsedArgs): WorkloadResource {
  rejectUnknown(args, CREATE_FLAGS);
  const name = flag(args, "name") ?? args.positionals[0];
  if (!name) throw new UsageError("a name is required (--name NAME)");
  const image = flag(args, "image");
  if (!image) throw new UsageError("--image is required");
  const spec: Record<string, unknown> = { image };

  const scriptLines = flags(args, "script");
  const command = flags(args, "command");
  if (scriptLines.length > 0 && command.length > 0)
    throw new UsageError("use either --script or --command, not both");
  if (scriptLines.length > 0)
    spec.script = { commands: scriptLines, shell: flag(args, "shell") ?? "/bin/sh" };
  else if (flag(args, "shell")) throw new UsageError("--shell goes with --script");
  if (command.length > 0) spec.command = command;
  if (flags(args, "arg").length > 0) spec.args = flags(args, "arg");

  const env = keyValues(flags(args, "env"), "--env");
  if (Object.keys(env).length > 0) spec.env = env;
  const resources: Record<string, string> = {};
  for (const [flagName, field] of [
    ["cpu-request", "cpuRequest"],
    ["memory-request", "memoryRequest"],
    ["cpu-limit", "cpuLimit"],
    ["memory-limit", "memoryLimit"],
  ] as const) {
    const value = flag(args, flagName);
    if (value !== undefined) resources[field] = value;
  }
  if (Object.keys(resources).length > 0) spec.resources = resources;

  const restartPolicy = flag(args, "restart-policy");
  if (type === "process" || type === "cronjob") {
    if (restartPolicy) spec.restartPolicy = restartPolicy;
  } else if (restartPolicy) throw new UsageError(`--restart-policy does not apply to ${type}`);
  if (type === "process") {
    const maxRestarts = int(args, "max-restarts");
    if (maxRestarts !== undefined) spec.maxRestarts = maxRestarts;
  }
  if (type === "cronjob") {
    const schedule = flag(args, "schedule");
    if (!schedule)
      throw new UsageError(
        '--schedule is required for a cron job (5-field cron, e.g. "*/5 * * * *")',
      );
    spec.schedule = schedule;
    const policy = flag(args, "concurrency-policy");
    if (policy) spec.concurrencyPolicy = policy;
    const tz = flag(args, "time-zone");
    if (tz) spec.timeZone = tz;
  }
  if (type === "service" || type === "persistent") {
    const replicas = int(args, "replicas");
    if (replicas === undefined) throw new UsageError(`--replicas is required for ${type}`);
    spec.replicas = replicas;
    const ports = flags(args, "port").map(parsePort);
    if (ports.length > 0) spec.ports = ports;
    const path = flag(args, "health-check-path");
    if (path) spec.healthCheckPath = path;
    const hcPort = int(args, "health-check-port");
    if (hcPort !== undefined) spec.healthCheckPort = hcPort;
  }
  if (type === "persistent") {
    const volumes = flags(args, "volume").map(parseVolume);
    if (volumes.length > 0) spec.persistentVolumes = volumes;
  }

  const tenant = flag(args, "tenant");
  return {
    apiVersion: API_VERSION,
    kind: KINDS[type].kind,
    metadata: {
      name,
      namespace: flag(args, "namespace") ?? "default",
      ...(tenant ? { labels: { [TENANT_LABEL]: tenant } } : {}),
    },
    spec,
  };
}
