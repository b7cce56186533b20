// Lease settings whose table default is 0s are derived from the others (storage/timing.ts), so that
// setting only lease.duration, or the predecessor's TTL and renew interval, gives a valid set.
import { defaultRenewDeadline, defaultRenewInterval } from "../../storage/timing";

/** renewDeadline and renewInterval as the operator uses them: configured, or derived when 0. */
export function effectiveLease(
  durationMs: number,
  renewDeadlineMs: number,
  renewIntervalMs: number,
): { renewDeadlineMs: number; renewIntervalMs: number } {
  const deadline = renewDeadlineMs || defaultRenewDeadline(durationMs);
  return {
    renewDeadlineMs: deadline,
    renewIntervalMs: renewIntervalMs || defaultRenewInterval(durationMs, deadline),
  };
}
