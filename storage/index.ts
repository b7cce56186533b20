// Public surface of the fenced leader-election layer.
export { candidateIdentity } from "./identity";
export { systemClock, skewedClock, type Clock } from "./clock";
export { createLockStore, type LockStoreConfig } from "./factory";
export { LeaderElector, type ElectorEvents, type ElectorOptions, type StopReason } from "./elector";
export { EPOCH_ANNOTATION, FencedError, NotLeaderError, WriteGuard, canOverwrite } from "./guard";
export { metrics } from "./metrics";
export { DEFAULT_TIMING, InvalidTimingError, resolveTiming, type LeaseTiming } from "./timing";
export {
  isHeld,
  lockKeyFor,
  type AcquireRequest,
  type AcquireResult,
  type BackendType,
  type LockRecord,
  type LockStore,
} from "./types";
