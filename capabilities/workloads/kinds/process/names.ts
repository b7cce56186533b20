// How a WorkloadProcess is spelled everywhere (CRD, labels, RBAC, dashboard, config file, CLI).
import type { KindNames } from "../../crd/group";

export const processNames = {
  kind: "WorkloadProcess",
  type: "process",
  plural: "workloadprocesses",
  singular: "workloadprocess",
  shortNames: ["wlp", "wproc"],
  configList: "processes",
} as const satisfies KindNames;
