// The pure workload API in one import: builders, decisions, validation and status. No I/O here.
export type { BuildContext } from "./common/context";
export {
  ANNOTATION_EPOCH,
  LABEL_KIND,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_TENANT,
  LABEL_WORKLOAD,
  ownerReference,
  selectorLabels,
  tenantLabelValue,
  workloadLabels,
} from "./common/labels";
export { parseDuration, durationToSeconds } from "./common/duration";
export { validateSpec, type ValidateOptions } from "./common/validate-spec";
export {
  computeStatus,
  type CronObserved,
  type ObservedChildren,
  type PersistentObserved,
  type ProcessObserved,
  type ServiceObserved,
  type StatusContext,
} from "./common/status";
export { statusChanged } from "./common/conditions";
export {
  ANNOTATION_SPEC_HASH,
  buildProcessPod,
  processPodName,
  processPodSpecHash,
  type ProcessCR,
} from "./process/build-pod";
export { decideProcessAction, restartDelayMs, type ProcessAction } from "./process/decide-action";
export {
  ANNOTATION_SCHEDULED_TIME,
  LABEL_TICK,
  buildJobForTick,
  jobNameForTick,
  type CronJobCR,
} from "./cronjob/build-job";
export {
  computeTicks,
  isValidTimeZone,
  scheduleProblems,
  type ScheduleOptions,
  type Ticks,
} from "./cronjob/schedule";
export {
  decideCronAction,
  jobFinishedTime,
  jobScheduledTime,
  jobState,
  jobsToPrune,
  type CronAction,
} from "./cronjob/decide-action";
export { buildDeployment, buildService, desiredReplicas, type ServiceCR } from "./service/build";
export {
  buildHeadlessService,
  buildPortsService,
  buildStatefulSet,
  headlessServiceName,
  portsServiceName,
  type PersistentCR,
} from "./persistent/build";
