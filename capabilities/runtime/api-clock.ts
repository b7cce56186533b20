// The API server's clock, as seen from here: cron ticks and every reconcile's `now` follow it, so a
// replica whose own clock is off (or runs slow or fast) still schedules on the cluster's time.
//
// Each API response carries a `Date` header (1-second resolution) stamped while the request was in
// flight. So the offset (server time - our time) lies in [date - receivedAt, date + 1 s - sentAt].
// The estimate is the intersection of the newest such intervals (the last 30 s; 3 s while the clock
// drifts, older ones carried forward at the drift below): requests sent at different phases of the second narrow it to tens of
// ms. The intersection stops at the first sample that disagrees, so a clock whose drift is not known
// yet is followed within seconds instead of being averaged against the past. Callers get the interval's
// lower end: a tick is never run before the API server reached it, and at worst late by its width.
//
// Between responses a drifting clock would drift away again (0.3 s per second at speed 0.7, and a quiet
// operator may ask the API server something only every 10 s), so the drift rate is estimated too, from
// the newest estimate and the oldest of the last two minutes (at least 3 s apart, and only when the
// change exceeds the estimates' own uncertainty), and the offset is carried forward at that rate. A
// clock that keeps time is not extrapolated: that would only add the estimates' noise.

/**
 * Samples older than this (our time, ms) no longer narrow the estimate; while the clock drifts, a
 * shorter window, since an older sample carried forward at a slightly wrong rate would pull the
 * estimate behind, more with every tick.
 */
const WINDOW_MS = 30_000;
const DRIFTING_WINDOW_MS = 3000;
/**
 * How narrow a probe makes the estimate before a deadline (ms): a cron tick waits on the interval's
 * lower end, so this is how late a tick may run. Below it, probes are not worth their requests.
 */
const SHARP_MS = 30;
/** A probe is sent at least this long (ms) after it is planned, so a timer can still make it. */
const PROBE_LEAD_MS = 20;
/** How many recent samples are kept. */
const MAX_SAMPLES = 16;
/** Drift is measured over at least this long (our time, ms), and over at most DRIFT_MAX_SPAN_MS. */
const DRIFT_MIN_SPAN_MS = 3000;
const DRIFT_MAX_SPAN_MS = 120_000;
/** Below this rate (ms of offset per ms of our time) the clocks are taken to run at the same speed. */
const DRIFT_NOISE = 0.005;

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

/**
 * Intersection of the newest samples (newest last in `samples`) that agree, within the window; an
 * older sample is first carried forward at the drift rate (offset ms per ms of our time).
 */
export function estimateOffset(
  samples: readonly OffsetBounds[],
  driftRate = 0,
): { lo: number; hi: number } | undefined {
  const newest = samples[samples.length - 1];
  if (!newest) return undefined;
  let { lo, hi } = newest;
  for (let i = samples.length - 2; i >= 0; i--) {
    const s = samples[i];
    if (newest.at - s.at > (driftRate === 0 ? WINDOW_MS : DRIFTING_WINDOW_MS)) break;
    const carried = driftRate * (newest.at - s.at);
    const nextLo = Math.max(lo, s.lo + carried);
    const nextHi = Math.min(hi, s.hi + carried);
    if (nextLo > nextHi) break;
    lo = nextLo;
    hi = nextHi;
  }
  return { lo, hi };
}

/** One offset estimate, at our time `at`, the middle of an interval `widthMs` wide. */
interface OffsetPoint {
  at: number;
  offsetMs: number;
  widthMs: number;
}

/**
 * How fast the offset grows per ms of our time, from the newest estimate and the oldest one within
 * DRIFT_MAX_SPAN_MS that is at least DRIFT_MIN_SPAN_MS older; 0 when there is no such pair, or the
 * change is within what the two estimates' own widths allow (so a clock that keeps time is not
 * extrapolated on noise, while a drifting one is caught within seconds of tight estimates), or the
 * rate is within what NTP-kept clocks do.
 */
export function estimateDrift(points: readonly OffsetPoint[]): number {
  const newest = points[points.length - 1];
  if (!newest) return 0;
  const base = points.find(
    p => newest.at - p.at <= DRIFT_MAX_SPAN_MS && newest.at - p.at >= DRIFT_MIN_SPAN_MS,
  );
  if (!base) return 0;
  const change = newest.offsetMs - base.offsetMs;
  if (Math.abs(change) <= (newest.widthMs + base.widthMs) / 2) return 0;
  const rate = change / (newest.at - base.at);
  return Math.abs(rate) < DRIFT_NOISE ? 0 : rate;
}

/**
 * When to send a request (our time, ms) whose answer halves the offset interval `bounds`: if the
 * offset were the interval's middle, the API server's next whole second would pass while the request
 * is in flight (`rttMs` long), so its Date header says on which side of the middle the offset lies.
 * Either way the interval shrinks to half its width plus half the round trip. undefined when it is
 * already within SHARP_MS, or a round trip is too long for a probe to narrow it.
 */
export function probeSendTime(
  bounds: { lo: number; hi: number },
  localNow: number,
  rttMs: number,
): number | undefined {
  const width = bounds.hi - bounds.lo;
  if (width <= SHARP_MS || rttMs >= width - SHARP_MS) return undefined;
  const mid = (bounds.lo + bounds.hi) / 2;
  // Our time x is the server's x + mid (if mid were the offset); the request is there at x + rtt / 2.
  const boundary = Math.ceil((localNow + PROBE_LEAD_MS + rttMs / 2 + mid) / 1000) * 1000;
  return boundary - mid - rttMs / 2;
}

export class ApiClock {
  #samples: OffsetBounds[] = [];
  /** The offset as narrowed by the newest responses. */
  #bounds = { lo: 0, hi: 0 };
  /** Offset estimates about a second apart, for the drift. */
  #points: OffsetPoint[] = [];
  #driftRate = 0;
  /** Our time of the newest response: the offset is carried forward from there. */
  #lastAt?: number;

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
    this.#bounds = estimateOffset(this.#samples, this.#driftRate) ?? this.#bounds;
    this.#lastAt = bounds.at;
    const last = this.#points[this.#points.length - 1];
    if (!last || bounds.at - last.at >= 1000)
      this.#points.push({
        at: bounds.at,
        offsetMs: (this.#bounds.lo + this.#bounds.hi) / 2,
        widthMs: this.#bounds.hi - this.#bounds.lo,
      });
    while (this.#points.length > 0 && bounds.at - this.#points[0].at > DRIFT_MAX_SPAN_MS)
      this.#points.shift();
    this.#driftRate = estimateDrift(this.#points);
  }

  /**
   * How far the API server's clock is ahead of ours now (ms; 0 until a response was seen): the least
   * the responses allow, so a tick is not run before the API server reached it (the Job would carry a
   * creationTimestamp before its tick); late by half the uncertainty, tens of ms while requests flow.
   */
  offsetMs(): number {
    return this.#bounds.lo + this.#driftSinceLastMs();
  }

  /** How far the offset has drifted since the newest response (0 for a clock that keeps time). */
  #driftSinceLastMs(): number {
    return this.#lastAt === undefined ? 0 : this.#driftRate * (this.local() - this.#lastAt);
  }

  /**
   * When to send a probe (our time, ms) that narrows the estimate, or undefined when it is narrow
   * enough (see probeSendTime). The round trip is the shortest among the recent samples.
   */
  probeAt(): number | undefined {
    if (this.#samples.length === 0) return undefined;
    const rtt = Math.min(...this.#samples.map(s => s.hi - s.lo - 1000));
    const carried = this.#driftSinceLastMs();
    const bounds = { lo: this.#bounds.lo + carried, hi: this.#bounds.hi + carried };
    return probeSendTime(bounds, this.local(), Math.max(0, rtt));
  }

  /** How many ms the API server's clock advances per ms of ours (1 + the drift). */
  rate(): number {
    return 1 + this.#driftRate;
  }

  /** The API server's time now (ms since the epoch), at the earliest. */
  nowMs(): number {
    return this.local() + this.offsetMs();
  }

  now(): Date {
    return new Date(this.nowMs());
  }
}
