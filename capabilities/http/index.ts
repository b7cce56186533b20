// Public surface of the HTTP capability.
export {
  createHttpServer,
  type HttpServer,
  type HttpServerOptions,
  type HttpLogger,
} from "./server";
export type {
  StatusSource,
  StatusSnapshot,
  InstanceStatus,
  LeaderRecord,
  StorageStatus,
  WorkloadStatus,
  WorkloadCondition,
  ChildStatus,
  LeadershipEvent,
  LeadershipEventType,
  ReadinessInputs,
  Role,
  PodDetails,
} from "./source";
export { listPodDetails, type ListPods, type PodObject } from "./pod-details";
export { evaluateReadiness, type ReadinessResult } from "./readiness";
export { success, failure, type Envelope } from "./envelope";
export { DASHBOARD_HTML, DASHBOARD_CSP } from "./dashboard";
