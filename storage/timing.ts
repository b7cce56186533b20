// Lease timing, as in client-go: leaseDuration > renewDeadline > 1.2 × retryPeriod.

export interface LeaseTiming {
  /** How long a lease lasts without renewal; followers wait this long before taking over. */
  leaseDurationMs: number;
  /** The leader stops acting when it could not renew for this long (monotonic clock). */
  renewDeadlineMs: number;
  /** Interval between acquisition attempts / renewals (acquisitions are jittered up to +20%). */
  retryPeriodMs: number;
}

export const DEFAULT_TIMING: LeaseTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** The jitter factor: a retry waits between 1 and JITTER_FACTOR retry periods. */
export const JITTER_FACTOR = 1.2;

export class InvalidTimingError extends Error {
  override readonly name = "InvalidTimingError";
}

/** Fills defaults and throws InvalidTimingError, naming the values, when the order is wrong. */
export function resolveTiming(partial: Partial<LeaseTiming> = {}): LeaseTiming {
  const t: LeaseTiming = {
    leaseDurationMs: partial.leaseDurationMs ?? DEFAULT_TIMING.leaseDurationMs,
    renewDeadlineMs: partial.renewDeadlineMs ?? DEFAULT_TIMING.renewDeadlineMs,
    retryPeriodMs: partial.retryPeriodMs ?? DEFAULT_TIMING.retryPeriodMs,
  };
  for (const [name, value] of Object.entries(t)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new InvalidTimingError(`${name} must be a positive number of ms, got ${value}`);
    }
  }
  if (t.leaseDurationMs <= t.renewDeadlineMs) {
    throw new InvalidTimingError(
      `leaseDuration (${t.leaseDurationMs} ms) must be greater than renewDeadline ` +
        `(${t.renewDeadlineMs} ms): a leader must give up before others may take over`,
    );
  }
  if (t.renewDeadlineMs <= JITTER_FACTOR * t.retryPeriodMs) {
    throw new InvalidTimingError(
      `renewDeadline (${t.renewDeadlineMs} ms) must be greater than ${JITTER_FACTOR} × ` +
        `retryPeriod (${t.retryPeriodMs} ms), so several renewals fit before the deadline`,
    );
  }
  return t;
}

/** A retry delay in [retryPeriod, JITTER_FACTOR × retryPeriod), spreading candidates apart. */
export function jittered(retryPeriodMs: number, random: () => number = Math.random): number {
  return retryPeriodMs * (1 + (JITTER_FACTOR - 1) * random());
}
