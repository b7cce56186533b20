import { describe, expect, it } from "vitest";
import { DEFAULT_TIMING, InvalidTimingError, jittered, resolveTiming } from "./timing";

describe("resolveTiming", () => {
  it("defaults to 15 s / 10 s / 2 s", () => {
    expect(resolveTiming()).toEqual(DEFAULT_TIMING);
    expect(DEFAULT_TIMING).toEqual({
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      renewIntervalMs: 2_000,
    });
  });

  it("renews every retryPeriod unless a renewInterval is given, which must fit the deadline", () => {
    expect(resolveTiming({ retryPeriodMs: 500 }).renewIntervalMs).toBe(500);
    expect(resolveTiming({ retryPeriodMs: 250, renewIntervalMs: 1000 }).renewIntervalMs).toBe(1000);
    expect(() => resolveTiming({ renewIntervalMs: 9_000 })).toThrow(/renewInterval/);
  });

  it("requires leaseDuration > renewDeadline > 1.2 × retryPeriod", () => {
    expect(() => resolveTiming({ leaseDurationMs: 10_000 })).toThrow(
      /leaseDuration.*renewDeadline/,
    );
    expect(() => resolveTiming({ retryPeriodMs: 9_000 })).toThrow(InvalidTimingError);
    expect(() => resolveTiming({ retryPeriodMs: -1 })).toThrow(/positive/);
    expect(
      resolveTiming({ leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 500 }),
    ).toEqual({
      leaseDurationMs: 5000,
      renewDeadlineMs: 3000,
      retryPeriodMs: 500,
      renewIntervalMs: 500,
    });
  });

  it("jitters between 1 and 1.2 retry periods", () => {
    expect(jittered(1000, () => 0)).toBe(1000);
    expect(jittered(1000, () => 0.999999)).toBeLessThan(1200);
  });
});
