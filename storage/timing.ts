// Lease timing, as in client-go: leaseDuration > renewDeadline > 1.2 × retryPeriod, plus how often the
// leader renews (client-go renews every retryPeriod; a separate, longer interval keeps the lock store's
// write rate down while standbys poll often enough for a fast graceful handoff).

export interface LeaseTiming {
  /** How long a lease lasts without renewal; followers wait this long before taking over. */
  leaseDurationMs: number;
  /** The leader stops acting when it could not renew for this long (monotonic clock). */
  renewDeadlineMs: number;
  /** Interval between acquisition attempts of standbys (jittered up to +20%). */
  retryPeriodMs: number;
  /** Interval between the leader's renewals (default: retryPeriod, as in client-go). */
  renewIntervalMs?: number;
}

/** Timing with every value filled in. */
export type ResolvedTiming = Required<LeaseTiming>;

/** client-go's defaults; the operator's own defaults are in capabilities/config/keys.ts. */
export const DEFAULT_TIMING: ResolvedTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  renewIntervalMs: 2_000,
};

/** The operator's renew deadline unless configured: two thirds of the lease (client-go's 10 s of 15 s). */
export function defaultRenewDeadline(leaseDurationMs: number): number {
  return Math.round((leaseDurationMs * 2) / 3);
}

/**
 * The operator's renewal interval unless configured: three times per lease, and at least twice per
 * renew deadline (so the order below always holds). Renewals are the lock store's writes, so this
 * sets its write rate while standbys may look (read) more often for a fast graceful handoff.
 */
export function defaultRenewInterval(leaseDurationMs: number, renewDeadlineMs: number): number {
  return Math.round(Math.min(leaseDurationMs / 3, renewDeadlineMs / 2));
}

/** The jitter factor: a retry waits between 1 and JITTER_FACTOR retry periods. */
const JITTER_FACTOR = 1.2;

export class InvalidTimingError extends Error {
  override readonly name = "InvalidTimingError";
}

/** Fills defaults and throws InvalidTimingError, naming the values, when the order is wrong. */
export function resolveTiming(partial: Partial<LeaseTiming> = {}): ResolvedTiming {
  const t: ResolvedTiming = {
    leaseDurationMs: partial.leaseDurationMs ?? DEFAULT_TIMING.leaseDurationMs,
    renewDeadlineMs: partial.renewDeadlineMs ?? DEFAULT_TIMING.renewDeadlineMs,
    retryPeriodMs: partial.retryPeriodMs ?? DEFAULT_TIMING.retryPeriodMs,
    renewIntervalMs: 0,
  };
  t.renewIntervalMs = partial.renewIntervalMs ?? t.retryPeriodMs;
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
        `retryPeriod (${t.retryPeriodMs} ms), so several attempts fit before the deadline`,
    );
  }
  if (t.renewDeadlineMs <= JITTER_FACTOR * t.renewIntervalMs) {
    throw new InvalidTimingError(
      `renewDeadline (${t.renewDeadlineMs} ms) must be greater than ${JITTER_FACTOR} × ` +
        `renewInterval (${t.renewIntervalMs} ms), so several renewals fit before the deadline`,
    );
  }
  return t;
}

/** A retry delay in [retryPeriod, JITTER_FACTOR × retryPeriod), spreading candidates apart. */
export function jittered(retryPeriodMs: number, random: () => number = Math.random): number {
  return retryPeriodMs * (1 + (JITTER_FACTOR - 1) * random());
}
