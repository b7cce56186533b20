// Whether a child object belongs to a workload: its controller owner reference points at the
// workload's uid. We never touch an object that merely shares a name or a label.
import type { KubeObject } from "../../runtime/kube-client";

interface HasUid {
  metadata?: { uid?: string };
}

export function ownedBy(
  child: KubeObject | { metadata?: KubeObject["metadata"] | object },
  owner: HasUid,
): boolean {
  const uid = owner.metadata?.uid;
  const refs = (child.metadata as KubeObject["metadata"])?.ownerReferences ?? [];
  return uid !== undefined && refs.some(ref => ref.uid === uid && ref.controller === true);
}
