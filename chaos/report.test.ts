import { describe, expect, it } from "vitest";
import type { FaultResult } from "./faults/types";
import { faultNear, takeoverStats } from "./report";

const fault = (
  kind: string,
  startedAt: number,
  endedAt: number,
  takeoverMs?: number,
): FaultResult => ({
  kind,
  target: "replica-1",
  startedAt,
  endedAt,
  takeoverMs,
  notes: [],
});

describe("faultNear", () => {
  const faults = [fault("kill-leader", 1000, 5000), fault("restart-apiserver", 10_000, 20_000)];

  it("names the fault a time falls into", () => {
    expect(faultNear(faults, 12_000)).toEqual({
      kind: "restart-apiserver",
      text: "during restart-apiserver on replica-1",
    });
  });

  it("names the last fault that ended before it, and how long before", () => {
    expect(faultNear(faults, 24_200)).toEqual({
      kind: "restart-apiserver",
      text: "4.2 s after restart-apiserver on replica-1",
    });
    expect(faultNear(faults, 7000).kind).toBe("kill-leader");
  });

  it("says when a time comes before every fault", () => {
    expect(faultNear(faults, 500)).toEqual({ kind: "none", text: "before the first fault" });
  });
});

describe("takeoverStats", () => {
  it("gives n, p50 and p99 per fault kind, leaving out faults without a takeover", () => {
    const stats = takeoverStats([
      fault("kill-leader", 0, 1, 3000),
      fault("kill-leader", 0, 1, 1000),
      fault("kill-leader", 0, 1, 2000),
      fault("restart-apiserver", 0, 1),
    ]);
    expect(stats).toEqual({ "kill-leader": { n: 3, p50: 2000, p99: 3000 } });
  });
});
