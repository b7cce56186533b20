import { describe, expect, it } from "vitest";
import { durationSummary, percentile } from "./percentile";

describe("percentile (nearest rank)", () => {
  it("takes the value at rank ceil(p/100 * n)", () => {
    const sorted = [10, 20, 30, 40];
    expect(percentile(sorted, 50)).toBe(20);
    expect(percentile(sorted, 99)).toBe(40);
    expect(percentile(sorted, 0)).toBe(10);
  });

  it("is NaN for an empty sample", () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it("summarizes durations in seconds, unsorted input", () => {
    expect(durationSummary([3000, 1000, 2000])).toBe("n=3 p50=2.00 s p99=3.00 s max=3.00 s");
  });
});
