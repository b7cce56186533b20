// How a WorkloadCronJob is spelled everywhere (CRD, labels, RBAC, dashboard, config file, CLI).
import type { KindNames } from "../../crd/group";

export const cronjobNames = {
  kind: "WorkloadCronJob",
  type: "cronjob",
  plural: "workloadcronjobs",
  singular: "workloadcronjob",
  shortNames: ["wlc", "wcron"],
  configList: "cronJobs",
} as const satisfies KindNames;
