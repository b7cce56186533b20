// Labels, annotations and owner references every child object carries. Selectors use only the two
// stable labels (workload + kind), never `app=<name>`, so unrelated pods are never matched.
import type { V1ObjectMeta, V1OwnerReference } from "@kubernetes/client-node";
import { API_VERSION, type KindNames } from "../../crd/group";
import type { WorkloadObject } from "../../crd/types";
import type { BuildContext } from "./context";

interface Annotatable {
  metadata?: { annotations?: Record<string, string> };
}

export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
const LABEL_NAME = "app.kubernetes.io/name";
export const LABEL_WORKLOAD = "highlander.plexobject.io/workload";
export const LABEL_KIND = "highlander.plexobject.io/kind";
export const LABEL_TENANT = "highlander.plexobject.io/tenant";
export const MANAGED_BY = "highlander";

/** A tenant name made safe as a label value (max 63, alphanumeric ends); use it in selectors too. */
export function tenantLabelValue(tenant: string): string {
  const cleaned = tenant.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "") || "default";
}

export function crName(cr: WorkloadObject<unknown>): string {
  const name = cr.metadata?.name;
  if (!name) throw new Error("workload has no metadata.name");
  return name;
}

function crNamespace(cr: WorkloadObject<unknown>): string {
  return cr.metadata?.namespace ?? "default";
}

/** The labels a selector may use: they never change for the life of the workload. */
export function selectorLabels(name: string, type: string): Record<string, string> {
  return { [LABEL_WORKLOAD]: name, [LABEL_KIND]: type };
}

/** All Highlander labels for a child object or a pod template. */
export function workloadLabels(name: string, type: string, tenant: string): Record<string, string> {
  return {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_NAME]: name,
    ...selectorLabels(name, type),
    [LABEL_TENANT]: tenantLabelValue(tenant),
  };
}

export function ownerReference(
  cr: WorkloadObject<unknown>,
  names: Pick<KindNames, "kind">,
): V1OwnerReference {
  const uid = cr.metadata?.uid;
  if (!uid)
    throw new Error(`workload ${crName(cr)} has no metadata.uid (read it from the API server)`);
  return {
    apiVersion: API_VERSION,
    kind: names.kind,
    name: crName(cr),
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata of a child object: namespace, labels, the epoch annotation and the owner reference. */
export function childMetadata(
  cr: WorkloadObject<unknown>,
  names: Pick<KindNames, "kind" | "type">,
  ctx: BuildContext,
  name: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): V1ObjectMeta {
  return {
    name,
    namespace: crNamespace(cr),
    labels: { ...extra.labels, ...workloadLabels(crName(cr), names.type, ctx.tenant) },
    // No epoch here: the guarded writer stamps it on every write (capabilities/runtime/writer.ts).
    annotations: { ...extra.annotations },
    ownerReferences: [ownerReference(cr, names)],
  };
}

/** A copy of `obj` with `annotations` added to (or replacing) its own. */
export function withAnnotations<T extends Annotatable>(
  obj: T,
  annotations: Record<string, string>,
): T {
  const metadata = obj.metadata ?? {};
  return {
    ...obj,
    metadata: { ...metadata, annotations: { ...metadata.annotations, ...annotations } },
  };
}
