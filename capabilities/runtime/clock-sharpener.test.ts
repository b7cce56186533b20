import { describe, expect, it } from "vitest";
import { clockSharpener } from "./clock-sharpener";

describe("clockSharpener", () => {
  it("probes at the times asked for until the estimate is sharp, one sharpening at a time", async () => {
    const plan = [1_000, 2_000, 3_000];
    const now = { ms: 0 };
    const sent: number[] = [];
    const sharpen = clockSharpener({
      probeAt: () => plan[sent.length],
      localNow: () => now.ms,
      probe: async () => sent.push(now.ms),
      sleep: async ms => {
        now.ms += ms;
      },
    });
    const first = sharpen();
    expect(sharpen()).toBe(first);
    await first;
    expect(sent).toEqual([1_000, 2_000, 3_000]);
    await sharpen();
    expect(sent).toHaveLength(3);
  });

  it("stops at a failed probe and at most after eight", async () => {
    let probes = 0;
    const failing = clockSharpener({
      probeAt: () => 0,
      localNow: () => 0,
      probe: () => Promise.reject(new Error("refused")),
      sleep: async () => {},
    });
    await failing();
    const endless = clockSharpener({
      probeAt: () => 0,
      localNow: () => 0,
      probe: async () => (probes += 1),
      sleep: async () => {},
    });
    await endless();
    expect(probes).toBe(8);
  });
});
