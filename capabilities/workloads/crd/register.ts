// Registers the four workload kinds with kubernetes-fluent-client (the registry Pepr's `When(...)` and
// `K8s(...)` read), so `K8s(WorkloadCronJob)` knows the group, version and plural. Call once at start.
import { RegisterKind } from "kubernetes-fluent-client";
import { GROUP, KINDS, VERSION, type WorkloadType } from "./kinds";
import { WorkloadCronJob, WorkloadPersistent, WorkloadProcess, WorkloadService } from "./types";

export interface WorkloadGVK {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

function gvk(type: WorkloadType): WorkloadGVK {
  return { group: GROUP, version: VERSION, kind: KINDS[type].kind, plural: KINDS[type].plural };
}

export const WorkloadProcessGVK = gvk("process");
export const WorkloadCronJobGVK = gvk("cronjob");
export const WorkloadServiceGVK = gvk("service");
export const WorkloadPersistentGVK = gvk("persistent");

export const WORKLOAD_CLASSES = {
  process: WorkloadProcess,
  cronjob: WorkloadCronJob,
  service: WorkloadService,
  persistent: WorkloadPersistent,
} as const;

/**
 * Idempotent: registers each kind once per process (fluent-client throws on a second registration of
 * the same class name). Importing this module registers them, as Pepr's `When(Kind)` needs that first.
 */
export function registerWorkloadKinds(): void {
  const pairs: [typeof WorkloadProcess, WorkloadGVK][] = [
    [WorkloadProcess, WorkloadProcessGVK],
    [WorkloadCronJob, WorkloadCronJobGVK],
    [WorkloadService, WorkloadServiceGVK],
    [WorkloadPersistent, WorkloadPersistentGVK],
  ];
  for (const [model, groupVersionKind] of pairs) {
    try {
      RegisterKind(model, groupVersionKind);
    } catch (err) {
      if (!(err instanceof Error && err.message.includes("already registered"))) throw err;
    }
  }
}

registerWorkloadKinds();
