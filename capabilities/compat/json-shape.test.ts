import { describe, expect, it } from "vitest";
import { shapeDifferences } from "./json-shape";

describe("shapeDifferences", () => {
  it("accepts other values and extra keys of ours", () => {
    expect(shapeDifferences({ a: 1, b: "x", extra: true }, { a: 2, b: "y" })).toEqual([]);
  });

  it("reports missing keys and type changes, recursively", () => {
    expect(shapeDifferences({ a: "1", n: { b: 1 } }, { a: 1, n: { b: 1, c: [] } })).toEqual([
      "a: ours is string, theirs number",
      "n.c: missing in ours (theirs is array)",
    ]);
  });

  it("compares array items with their first, and map entries with their first", () => {
    const theirs = { items: [{ x: 1 }], byName: { one: { y: "s" } } };
    const ours = { items: [{ x: 1 }, { x: "2" }], byName: { a: { y: "s" }, b: {} } };
    expect(shapeDifferences(ours, theirs, { maps: ["byName"] })).toEqual([
      "items.[].x: ours is string, theirs number",
      "byName.*.y: missing in ours (theirs is string)",
    ]);
  });

  it("lets theirs be null (Go's nil map) and open objects be anything", () => {
    expect(
      shapeDifferences({ m: {}, d: { q: 1 } }, { m: null, d: { z: 1 } }, { open: ["d"] }),
    ).toEqual([]);
  });
});
