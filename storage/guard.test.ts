import { describe, expect, it } from "vitest";
import { EPOCH_ANNOTATION, NotLeaderError, WriteGuard, canOverwrite } from "./guard";

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

describe("WriteGuard", () => {
  const view = (lease: { epoch: number; deadlineMs: number } | undefined, now: number) => ({
    backend: "redis",
    clock: { monotonicMs: () => now, wallMs: () => now },
    currentLease: () => lease,
  });

  it("returns the epoch before the deadline and throws typed errors otherwise", () => {
    expect(new WriteGuard(view({ epoch: 7, deadlineMs: 100 }, 99)).check()).toEqual({ epoch: 7 });
    expect(() => new WriteGuard(view({ epoch: 7, deadlineMs: 100 }, 100)).check()).toThrow(
      NotLeaderError,
    );
    expect(() => new WriteGuard(view(undefined, 0)).check()).toThrow(NotLeaderError);
  });
});
