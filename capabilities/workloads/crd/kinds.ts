// Names of the four workload kinds: one table that the CRD generator, Pepr registration and the
// builders share, so a kind's group, plural and short names are spelled in exactly one place.

export const GROUP = "highlander.plexobject.io";
export const VERSION = "v1";
export const API_VERSION = `${GROUP}/${VERSION}`;

export type WorkloadKindName =
  | "WorkloadProcess"
  | "WorkloadCronJob"
  | "WorkloadService"
  | "WorkloadPersistent";

/** Short lower-case tag used in labels and metrics (`highlander.plexobject.io/kind`). */
export type WorkloadType = "process" | "cronjob" | "service" | "persistent";

export interface KindInfo {
  kind: WorkloadKindName;
  type: WorkloadType;
  plural: string;
  singular: string;
  shortNames: string[];
}

export const KINDS: Record<WorkloadType, KindInfo> = {
  process: {
    kind: "WorkloadProcess",
    type: "process",
    plural: "workloadprocesses",
    singular: "workloadprocess",
    shortNames: ["wlp", "wproc"],
  },
  cronjob: {
    kind: "WorkloadCronJob",
    type: "cronjob",
    plural: "workloadcronjobs",
    singular: "workloadcronjob",
    shortNames: ["wlc", "wcron"],
  },
  service: {
    kind: "WorkloadService",
    type: "service",
    plural: "workloadservices",
    singular: "workloadservice",
    shortNames: ["wls", "wsvc"],
  },
  persistent: {
    kind: "WorkloadPersistent",
    type: "persistent",
    plural: "workloadpersistents",
    singular: "workloadpersistent",
    shortNames: ["wlper", "wpers"],
  },
};

export const WORKLOAD_TYPES: WorkloadType[] = ["process", "cronjob", "service", "persistent"];

export function typeOfKind(kind: WorkloadKindName): WorkloadType {
  const found = WORKLOAD_TYPES.find(t => KINDS[t].kind === kind);
  if (!found) throw new Error(`unknown workload kind ${kind}`);
  return found;
}
