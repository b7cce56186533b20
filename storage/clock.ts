// Clocks, injectable so tests can skew or freeze them. Leadership deadlines use the monotonic clock
// (never affected by NTP steps or a wrong wall clock); wall time is only written into records.
import { performance } from "node:perf_hooks";

export interface Clock {
  /** Monotonic milliseconds, arbitrary origin. */
  monotonicMs(): number;
  /** Wall-clock milliseconds since the epoch (may be skewed). */
  wallMs(): number;
}

export const systemClock: Clock = {
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
};

/** A clock whose wall time is off by `offsetMs` (and whose monotonic origin is shifted too). */
export function skewedClock(offsetMs: number, base: Clock = systemClock): Clock {
  return {
    monotonicMs: () => base.monotonicMs() + offsetMs,
    wallMs: () => base.wallMs() + offsetMs,
  };
}
