import { describe, expect, it } from "vitest";
import {
  EPOCH_ANNOTATION,
  FencedError,
  NotLeaderError,
  WriteGuard,
  canOverwrite,
  checkOverwrite,
} from "./guard";
import { metrics } from "./metrics";

const refusals = async (backend: string) =>
  (await metrics.fencingRejections.get()).values.find(
    v => v.labels.backend === backend && v.labels.source === "operator",
  )?.value ?? 0;

describe("canOverwrite", () => {
  it("allows unstamped, equal and older objects and refuses newer ones", () => {
    expect(EPOCH_ANNOTATION).toBe("highlander.plexobject.io/epoch");
    expect(canOverwrite(undefined, 3)).toBe(true);
    expect(canOverwrite("", 3)).toBe(true);
    expect(canOverwrite("2", 3)).toBe(true);
    expect(canOverwrite("3", 3)).toBe(true);
    expect(canOverwrite("4", 3)).toBe(false);
    expect(canOverwrite("not-a-number", 3)).toBe(true);
  });
});

describe("checkOverwrite", () => {
  it("refuses an object stamped by a newer epoch with a FencedError, counted", async () => {
    const before = await refusals("guard-test");
    expect(() => checkOverwrite("3", 3, "guard-test")).not.toThrow();
    expect(() => checkOverwrite("4", 3, "guard-test")).toThrow(FencedError);
    expect(await refusals("guard-test")).toBe(before + 1);
  });
});

describe("WriteGuard", () => {
  const view = (
    lease: { epoch: number; deadlineMs: number } | undefined,
    now: number,
    observed?: { holderId: string; epoch: number; deadlineMs: number },
  ) => ({
    backend: "redis",
    clock: { monotonicMs: () => now, wallMs: () => now },
    currentLease: () => lease,
    observedLease: () => observed,
  });

  it("answers a standby with the lock it last read only while that read is recent", () => {
    const seen = { holderId: "them", epoch: 4, deadlineMs: 100 };
    expect(new WriteGuard(view(undefined, 99, seen)).checkObserved()).toEqual({
      holderId: "them",
      epoch: 4,
    });
    expect(new WriteGuard(view(undefined, 100, seen)).freshObservation()).toBeUndefined();
    expect(() => new WriteGuard(view(undefined, 100, seen)).checkObserved()).toThrow(
      NotLeaderError,
    );
    expect(() => new WriteGuard(view(undefined, 0)).checkObserved()).toThrow(NotLeaderError);
  });

  it("returns the epoch before the deadline and throws typed errors otherwise", () => {
    expect(new WriteGuard(view({ epoch: 7, deadlineMs: 100 }, 99)).check()).toEqual({ epoch: 7 });
    expect(() => new WriteGuard(view({ epoch: 7, deadlineMs: 100 }, 100)).check()).toThrow(
      NotLeaderError,
    );
    expect(() => new WriteGuard(view(undefined, 0)).check()).toThrow(NotLeaderError);
  });
});
