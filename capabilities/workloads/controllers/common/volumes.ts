// Volumes and mounts: the predecessor's configMaps (/etc/config/NAME) and secrets (/etc/secrets/NAME),
// plus the workload's own core volumes.
import { createHash } from "node:crypto";
import type { V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { CommonSpec, VolumeMountSpec } from "../../crd/types";

export const CONFIG_MOUNT_ROOT = "/etc/config";
export const SECRET_MOUNT_ROOT = "/etc/secrets";

/**
 * Volume names must be DNS labels (max 63, no dots); ConfigMap and Secret names may be longer
 * subdomains. Dots become dashes; a long name is cut and given a short hash so two never collide.
 */
export function generatedVolumeName(prefix: "config" | "secret", objectName: string): string {
  const base = `${prefix}-${objectName.replace(/\./g, "-")}`;
  if (base.length <= 63 && !objectName.includes(".")) return base;
  const hash = createHash("sha256").update(objectName).digest("hex").slice(0, 8);
  return `${base.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}

/** Names of every volume the pod will have, for validating mounts. */
export function podVolumeNames(spec: CommonSpec, extra: string[] = []): string[] {
  return [
    ...(spec.configMaps ?? []).map(n => generatedVolumeName("config", n)),
    ...(spec.secrets ?? []).map(n => generatedVolumeName("secret", n)),
    ...(spec.volumes ?? []).map(v => v.name),
    ...extra,
  ];
}

export function buildVolumes(spec: CommonSpec): V1Volume[] | undefined {
  const volumes: V1Volume[] = [
    ...(spec.configMaps ?? []).map(name => ({
      name: generatedVolumeName("config", name),
      configMap: { name },
    })),
    ...(spec.secrets ?? []).map(name => ({
      name: generatedVolumeName("secret", name),
      secret: { secretName: name },
    })),
    ...(spec.volumes ?? []).map(v => ({ ...v })),
  ];
  return volumes.length > 0 ? volumes : undefined;
}

export function toVolumeMount(m: VolumeMountSpec): V1VolumeMount {
  const out: V1VolumeMount = { name: m.name, mountPath: m.mountPath };
  if (m.readOnly !== undefined) out.readOnly = m.readOnly;
  if (m.subPath !== undefined) out.subPath = m.subPath;
  return out;
}

/** Mounts of the main container: config maps, secrets, then the spec's own mounts and `extra`. */
export function mainVolumeMounts(
  spec: CommonSpec,
  extra: V1VolumeMount[] = [],
): V1VolumeMount[] | undefined {
  const mounts: V1VolumeMount[] = [
    ...(spec.configMaps ?? []).map(name => ({
      name: generatedVolumeName("config", name),
      mountPath: `${CONFIG_MOUNT_ROOT}/${name}`,
      readOnly: true,
    })),
    ...(spec.secrets ?? []).map(name => ({
      name: generatedVolumeName("secret", name),
      mountPath: `${SECRET_MOUNT_ROOT}/${name}`,
      readOnly: true,
    })),
    ...(spec.volumeMounts ?? []).map(toVolumeMount),
    ...extra,
  ];
  return mounts.length > 0 ? mounts : undefined;
}
