// How a WorkloadService is spelled everywhere (CRD, labels, RBAC, dashboard, config file, CLI).
import type { KindNames } from "../../crd/group";

export const serviceNames = {
  kind: "WorkloadService",
  type: "service",
  plural: "workloadservices",
  singular: "workloadservice",
  shortNames: ["wls", "wsvc"],
  configList: "services",
} as const satisfies KindNames;
