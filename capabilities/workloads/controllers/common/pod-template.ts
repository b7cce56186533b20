// The pod every kind runs: main container from image + script or command/args, sorted env, resources,
// sidecars, volumes, scheduling and security fields. Pod templates carry only stable labels (no epoch),
// so a change of leader never rolls the pods.
import type {
  V1Container,
  V1ContainerPort,
  V1PodSpec,
  V1PodTemplateSpec,
  V1Probe,
  V1VolumeMount,
} from "@kubernetes/client-node";
import type { CommonSpec, SidecarSpec } from "../../crd/types";
import { buildEnv, buildEnvFrom } from "./env";
import { workloadLabels } from "./labels";
import { buildResources } from "./resources";
import {
  automountServiceAccountToken,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "./security";
import { buildVolumes, mainVolumeMounts, toVolumeMount } from "./volumes";

export const MAIN_CONTAINER = "main";

/** The labels k8-highlander put on its pods (besides per-leader ones that would roll pods). */
export const PREDECESSOR_POD_LABELS = (name: string): Record<string, string> => ({
  app: name,
  "managed-by": "k8-highlander",
});
export const DEFAULT_SHELL = "/bin/sh";

/**
 * command/args of the main container: the predecessor's script runs as `shell -c <lines>`, with
 * `set -e` first (its BuildScriptCommand, pkg/common/types.go, did the same) unless errexit is false.
 */
export function containerCommand(spec: CommonSpec): { command?: string[]; args?: string[] } {
  if (spec.script) {
    const body = spec.script.commands.join("\n");
    const script = spec.script.errexit === false ? body : `set -e\n${body}`;
    return { command: [spec.script.shell || DEFAULT_SHELL, "-c", script] };
  }
  const out: { command?: string[]; args?: string[] } = {};
  if (spec.command && spec.command.length > 0) out.command = [...spec.command];
  if (spec.args && spec.args.length > 0) out.args = [...spec.args];
  return out;
}

/** Drops undefined fields so two equal specs give byte-identical objects. */
function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

export interface MainContainerOptions {
  ports?: V1ContainerPort[];
  readinessProbe?: V1Probe;
  livenessProbe?: V1Probe;
  extraMounts?: V1VolumeMount[];
}

export function buildMainContainer(spec: CommonSpec, opts: MainContainerOptions = {}): V1Container {
  return compact<V1Container>({
    name: MAIN_CONTAINER,
    image: spec.image,
    imagePullPolicy: spec.imagePullPolicy,
    ...containerCommand(spec),
    ports: opts.ports && opts.ports.length > 0 ? opts.ports : undefined,
    env: buildEnv(spec.env, spec.extraEnv),
    envFrom: buildEnvFrom(spec.envFrom),
    resources: buildResources(spec.resources),
    volumeMounts: mainVolumeMounts(spec, opts.extraMounts),
    readinessProbe: opts.readinessProbe,
    livenessProbe: opts.livenessProbe,
    startupProbe: spec.startupProbe,
    securityContext: restrictedContainerSecurityContext(spec.securityContext),
  });
}

function buildSidecar(sidecar: SidecarSpec): V1Container {
  return compact<V1Container>({
    name: sidecar.name,
    image: sidecar.image,
    imagePullPolicy: sidecar.imagePullPolicy,
    command: sidecar.command && sidecar.command.length > 0 ? [...sidecar.command] : undefined,
    args: sidecar.args && sidecar.args.length > 0 ? [...sidecar.args] : undefined,
    env: buildEnv(sidecar.env, sidecar.extraEnv),
    resources: buildResources(sidecar.resources),
    volumeMounts:
      sidecar.volumeMounts && sidecar.volumeMounts.length > 0
        ? sidecar.volumeMounts.map(toVolumeMount)
        : undefined,
    securityContext: restrictedContainerSecurityContext(sidecar.securityContext),
  });
}

export interface PodSpecOptions extends MainContainerOptions {
  restartPolicy: "Always" | "OnFailure" | "Never";
  terminationGracePeriodSeconds?: number;
}

export function buildPodSpec(spec: CommonSpec, opts: PodSpecOptions): V1PodSpec {
  return compact<V1PodSpec>({
    restartPolicy: opts.restartPolicy,
    containers: [buildMainContainer(spec, opts), ...(spec.sidecars ?? []).map(buildSidecar)],
    volumes: buildVolumes(spec),
    imagePullSecrets:
      spec.imagePullSecrets && spec.imagePullSecrets.length > 0
        ? spec.imagePullSecrets.map(s => ({ name: s.name }))
        : undefined,
    serviceAccountName: spec.serviceAccountName,
    automountServiceAccountToken: automountServiceAccountToken(spec.serviceAccountName),
    priorityClassName: spec.priorityClassName,
    nodeSelector:
      spec.nodeSelector && Object.keys(spec.nodeSelector).length > 0
        ? { ...spec.nodeSelector }
        : undefined,
    tolerations:
      spec.tolerations && spec.tolerations.length > 0
        ? spec.tolerations.map(t => ({ ...t }))
        : undefined,
    affinity: spec.affinity,
    securityContext: restrictedPodSecurityContext(spec.podSecurityContext),
    terminationGracePeriodSeconds:
      opts.terminationGracePeriodSeconds ?? spec.terminationGracePeriodSeconds,
  });
}

/** Pod metadata for templates and the process Pod: user labels first, ours win. */
export function podMetadata(
  name: string,
  type: string,
  tenant: string,
  spec: CommonSpec,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  // The predecessor's pod labels (its pkg/common/workloads.go), for its dashboards and scripts.
  const predecessor = spec.predecessorNames === true ? PREDECESSOR_POD_LABELS(name) : {};
  return {
    labels: { ...spec.podLabels, ...predecessor, ...workloadLabels(name, type, tenant) },
    annotations: {
      ...spec.podAnnotations,
      // `kubectl logs/exec` pick the main container, not a sidecar.
      "kubectl.kubernetes.io/default-container": MAIN_CONTAINER,
    },
  };
}

export function buildPodTemplate(
  name: string,
  type: string,
  tenant: string,
  spec: CommonSpec,
  opts: PodSpecOptions,
): V1PodTemplateSpec {
  return { metadata: podMetadata(name, type, tenant, spec), spec: buildPodSpec(spec, opts) };
}
