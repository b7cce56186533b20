import { describe, expect, it } from "vitest";
import { ApiClock, boundsOf, estimateDrift, estimateOffset, probeSendTime } from "./api-clock";

const httpDate = (ms: number) => new Date(ms).toUTCString();

describe("boundsOf", () => {
  it("bounds the offset by the second the Date header names and the request's flight", () => {
    // The server stamped 12:00:05.xxx while our clock read 1000..1200.
    const server = Date.parse("2026-12-07T12:00:05Z");
    expect(boundsOf(httpDate(server), 1000, 1200)).toEqual({
      at: 1200,
      lo: server - 1200,
      hi: server + 1000 - 1000,
    });
  });

  it("ignores a missing or unreadable header", () => {
    expect(boundsOf(undefined, 0, 10)).toBeUndefined();
    expect(boundsOf("yesterday-ish", 0, 10)).toBeUndefined();
  });
});

describe("estimateOffset", () => {
  it("intersects agreeing recent samples, stops at the first that disagrees", () => {
    expect(estimateOffset([])).toBeUndefined();
    const samples = [
      { at: 0, lo: 5000, hi: 6000 }, // disagrees with the newer ones: ignored
      { at: 1000, lo: 100, hi: 1100 },
      { at: 1500, lo: 400, hi: 1400 },
      { at: 2000, lo: 300, hi: 900 },
    ];
    expect(estimateOffset(samples)).toEqual({ lo: 400, hi: 900 });
  });

  it("ignores samples older than half a minute", () => {
    const samples = [
      { at: 0, lo: 0, hi: 100 },
      { at: 40_000, lo: 0, hi: 1000 },
    ];
    expect(estimateOffset(samples)).toEqual({ lo: 0, hi: 1000 });
  });
});

describe("estimateDrift", () => {
  it("measures the rate over at least 3 s, once the change beats the estimates' widths", () => {
    const at = (ms: number, offsetMs: number, widthMs = 50) => ({ at: ms, offsetMs, widthMs });
    expect(estimateDrift([])).toBe(0);
    // Too short a span.
    expect(estimateDrift([at(0, 0), at(2000, 600)])).toBe(0);
    // 0.3 ms per ms over 5 s of tight estimates.
    expect(estimateDrift([at(0, 0), at(5000, 1500)])).toBe(0.3);
    // The same change, but the estimates are each a second wide: it could be noise.
    expect(estimateDrift([at(0, 0, 1000), at(5000, 900, 1000)])).toBe(0);
    // Well within the widths of a clock that keeps time, however long the span.
    expect(estimateDrift([at(0, 0, 300), at(100_000, 200, 300)])).toBe(0);
    // Only points within the last two minutes count.
    expect(estimateDrift([at(0, 99_000), at(100_000, 0), at(140_000, -8000)])).toBe(-0.2);
  });

  it("carries older samples forward at the drift before intersecting", () => {
    const samples = [
      { at: 0, lo: 0, hi: 900 },
      { at: 2000, lo: 1000, hi: 2200 },
    ];
    // Without the drift the two disagree and only the newest counts; at 0.6 ms/ms they agree.
    expect(estimateOffset(samples)).toEqual({ lo: 1000, hi: 2200 });
    expect(estimateOffset(samples, 0.6)).toEqual({ lo: 1200, hi: 2100 });
    // A sample 4 s old narrows the estimate of a clock that keeps time, not of a drifting one.
    const older = [{ at: -2000, lo: 500, hi: 1500 }, samples[1]];
    expect(estimateOffset(older)).toEqual({ lo: 1000, hi: 1500 });
    expect(estimateOffset(older, 0.01)).toEqual({ lo: 1000, hi: 2200 });
  });
});

/** A server whose clock is `skewMs` ahead of ours, answering after `rttMs` of our time. */
function exchange(clock: ApiClock, local: { ms: number }, skewMs: number, rttMs: number): void {
  const sentAt = local.ms;
  local.ms += rttMs / 2;
  const serverMs = local.ms + skewMs;
  local.ms += rttMs / 2;
  clock.observe(httpDate(Math.floor(serverMs / 1000) * 1000), sentAt, local.ms);
}

describe("ApiClock", () => {
  it("is our own clock until a response was seen", () => {
    const clock = new ApiClock(() => 42_000);
    expect(clock.offsetMs()).toBe(0);
    expect(clock.nowMs()).toBe(42_000);
  });

  it("narrows to within 0.2 s of a fixed skew after a few requests, never ahead of it", () => {
    const local = { ms: 1_700_000_000_000 };
    const clock = new ApiClock(() => local.ms);
    const skew = -52_345; // our clock 52 s ahead of the server's
    for (let i = 0; i < 8; i++) {
      exchange(clock, local, skew, 20);
      local.ms += 137; // requests at different phases of the second
    }
    expect(clock.offsetMs()).toBeLessThanOrEqual(skew);
    expect(skew - clock.offsetMs()).toBeLessThan(200);
    expect(local.ms + skew - clock.now().getTime()).toBeLessThan(200);
  });

  it("follows a clock that runs 0.7x slow within a second", () => {
    // Our clock advances 0.7 ms per real ms: the server's lead grows by 0.3 ms per real ms.
    let real = 1_700_000_000_000;
    const ours = () => 1_700_000_000_000 + (real - 1_700_000_000_000) * 0.7;
    const clock = new ApiClock(ours);
    for (let i = 0; i < 200; i++) {
      const sentAt = ours();
      real += 10;
      const server = Math.floor(real / 1000) * 1000;
      real += 10;
      clock.observe(httpDate(server), sentAt, ours());
      real += 233;
      expect(Math.abs(clock.nowMs() - real)).toBeLessThan(i < 4 ? 2000 : 1000);
    }
  });

  it("keeps a 0.7x slow clock within a second of the server's when responses come only every 10 s", () => {
    let real = 1_700_000_000_000;
    const ours = () => 1_700_000_000_000 + (real - 1_700_000_000_000) * 0.7;
    const clock = new ApiClock(ours);
    const respond = () => {
      const sentAt = ours();
      real += 15;
      const server = Math.floor(real / 1000) * 1000;
      real += 15;
      clock.observe(httpDate(server), sentAt, ours());
    };
    // A few seconds of busy start-up (takeover, first reconciles), then a quiet minute and more.
    for (let i = 0; i < 20; i++) {
      respond();
      real += 230;
    }
    const worst: number[] = [];
    for (let i = 0; i < 12; i++) {
      respond();
      for (let j = 0; j < 10; j++) {
        real += 1000;
        if (i >= 4) worst.push(Math.abs(clock.nowMs() - real));
      }
    }
    expect(Math.max(...worst)).toBeLessThan(1000);
    expect(clock.rate()).toBeCloseTo(1 / 0.7, 1);
  });
});

describe("probeSendTime", () => {
  it("sends so that, were the offset the middle, the server's next second passes in flight", () => {
    // Offset in [-800, 200]: middle -300. At our 10_000 the server reads 9_700 (if -300).
    const at = probeSendTime({ lo: -800, hi: 200 }, 10_000, 10);
    // Server time at arrival (our at + 5, offset -300) is the next whole second it can make.
    expect((at as number) + 5 - 300).toBe(10_000);
  });

  it("never plans a probe in the past or within the next few ms", () => {
    const at = probeSendTime({ lo: -10, hi: 990 }, 5_000, 4) as number;
    expect(at).toBeGreaterThanOrEqual(5_000 + 15);
    expect((at + 2 + 490) % 1000).toBe(0);
  });

  it("stops once the interval is sharp, or a round trip is longer than it", () => {
    expect(probeSendTime({ lo: 0, hi: 30 }, 0, 1)).toBeUndefined();
    expect(probeSendTime({ lo: 0, hi: 400 }, 0, 380)).toBeUndefined();
  });
});

describe("ApiClock.probeAt", () => {
  it("brings a second-wide estimate to within 30 ms of the true offset in a few probes", () => {
    for (const skew of [-52_345, 0, 417, 999, 123_456]) {
      const local = { ms: 1_700_000_000_000 };
      const clock = new ApiClock(() => local.ms);
      // Requests at one phase of the second only (the lock's renewals): a second-wide estimate.
      for (let i = 0; i < 5; i++) {
        exchange(clock, local, skew, 6);
        local.ms += 1000 - 6;
      }
      expect(skew - clock.offsetMs()).toBeGreaterThan(0);
      let probes = 0;
      for (let at = clock.probeAt(); at !== undefined; at = clock.probeAt()) {
        expect(at).toBeGreaterThanOrEqual(local.ms);
        local.ms = at;
        exchange(clock, local, skew, 6);
        probes += 1;
      }
      expect(probes).toBeLessThanOrEqual(8);
      expect(clock.offsetMs()).toBeLessThanOrEqual(skew);
      expect(skew - clock.offsetMs()).toBeLessThanOrEqual(30);
    }
  });
});
