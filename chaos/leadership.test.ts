import { describe, expect, it } from "vitest";
import { newLeaderIn } from "./leadership";

describe("newLeaderIn", () => {
  const old = { name: "replica-1", epoch: 4 };

  it("with no previous leader, counts only a sole claimant", () => {
    expect(newLeaderIn([old], undefined)).toEqual(old);
    expect(newLeaderIn([old, { name: "replica-2", epoch: 5 }], undefined)).toBeUndefined();
    expect(newLeaderIn([], undefined)).toBeUndefined();
  });

  it("counts a new term while the old leader still claims its own (held past the deadline)", () => {
    const next = { name: "replica-2", epoch: 5 };
    expect(newLeaderIn([old, next], old)).toEqual(next);
    expect(newLeaderIn([old], old)).toBeUndefined();
  });

  it("counts the old leader in a new term, and takes the later term of two new claimants", () => {
    expect(newLeaderIn([{ name: "replica-1", epoch: 6 }], old)).toEqual({
      name: "replica-1",
      epoch: 6,
    });
    const a = { name: "replica-2", epoch: 5 };
    const b = { name: "replica-3", epoch: 6 };
    expect(newLeaderIn([a, b], old)).toEqual(b);
  });
});
