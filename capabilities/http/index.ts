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
} from "./source";
export { evaluateReadiness, type ReadinessResult } from "./readiness";
export { success, failure, type Envelope } from "./envelope";
export { DASHBOARD_HTML, DASHBOARD_CSP } from "./dashboard";
