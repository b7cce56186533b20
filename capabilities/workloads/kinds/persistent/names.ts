// How a WorkloadPersistent is spelled everywhere (CRD, labels, RBAC, dashboard, config file, CLI).
import type { KindNames } from "../../crd/group";

export const persistentNames = {
  kind: "WorkloadPersistent",
  type: "persistent",
  plural: "workloadpersistents",
  singular: "workloadpersistent",
  shortNames: ["wlper", "wpers"],
  configList: "persistentSets",
} as const satisfies KindNames;
