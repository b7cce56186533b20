// The API server's clock, as seen from here: cron ticks and every reconcile's `now` follow it, so a
// replica whose own clock is off (or runs slow or fast) still schedules on the cluster's time.
//
// Each API response carries a `Date` header (1-second resolution) stamped while the request was in
// flight. So the offset (server time - our time) lies in [date - receivedAt, date + 1 s - sentAt].
// The estimate is the middle of the intersection of the newest such intervals: a few requests sent at
// different phases of the second narrow it to tens of ms. Only recent samples count, and the
// intersection stops at the first one that disagrees, so a clock that drifts (libfaketime's speed
// factor) is followed within a few seconds instead of being averaged against the past.

/** Samples older than this (our time, ms) no longer narrow the estimate. */
const WINDOW_MS = 3000;
/** How many recent samples are kept. */
const MAX_SAMPLES = 16;

interface OffsetBounds {
  /** Our time when the response arrived (ms). */
  at: number;
  lo: number;
  hi: number;
}

/** The offset interval one response proves, or undefined when its Date header is unusable. */
export function boundsOf(
  dateHeader: string | undefined,
  sentAt: number,
  receivedAt: number,
): OffsetBounds | undefined {
  const server = dateHeader ? Date.parse(dateHeader) : NaN;
  if (!Number.isFinite(server) || receivedAt < sentAt) return undefined;
  return { at: receivedAt, lo: server - receivedAt, hi: server + 1000 - sentAt };
}

/** Intersection of the newest samples (newest last in `samples`) that agree, within the window. */
export function estimateOffset(samples: readonly OffsetBounds[]): number | undefined {
  const newest = samples[samples.length - 1];
  if (!newest) return undefined;
  let { lo, hi } = newest;
  for (let i = samples.length - 2; i >= 0; i--) {
    const s = samples[i];
    if (newest.at - s.at > WINDOW_MS) break;
    const nextLo = Math.max(lo, s.lo);
    const nextHi = Math.min(hi, s.hi);
    if (nextLo > nextHi) break;
    lo = nextLo;
    hi = nextHi;
  }
  return (lo + hi) / 2;
}

export class ApiClock {
  #samples: OffsetBounds[] = [];
  #offsetMs = 0;

  constructor(private readonly local: () => number = Date.now) {}

  /** Our clock's reading now (ms): what callers pass as sentAt and receivedAt. */
  localNow(): number {
    return this.local();
  }

  /** Learns from one response: its Date header, and our time when the request left and the answer came. */
  observe(dateHeader: string | undefined, sentAt: number, receivedAt: number): void {
    const bounds = boundsOf(dateHeader, sentAt, receivedAt);
    if (!bounds) return;
    this.#samples.push(bounds);
    if (this.#samples.length > MAX_SAMPLES) this.#samples.shift();
    this.#offsetMs = estimateOffset(this.#samples) ?? this.#offsetMs;
  }

  /** How far the API server's clock is ahead of ours (ms; 0 until a response was seen). */
  offsetMs(): number {
    return this.#offsetMs;
  }

  /** The API server's time now (ms since the epoch), estimated. */
  nowMs(): number {
    return this.local() + this.#offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }
}
