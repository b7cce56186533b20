import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration";

describe("parseDuration", () => {
  it.each([
    ["15s", 15_000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["2h", 7_200_000],
    ["1.5s", 1_500],
    ["15", 15_000],
    ["0.25", 250],
    [" 10s ", 10_000],
    [15, 15_000],
    [0, 0],
  ] as const)("%j is %d ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([["", "abc", "15x", "s", "-5s", "1m x", "10 s"]].flat())("rejects %j", input => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it("rejects negative numbers and non-scalars", () => {
    expect(parseDuration(-1)).toBeUndefined();
    expect(parseDuration(Number.NaN)).toBeUndefined();
    expect(parseDuration(null)).toBeUndefined();
    expect(parseDuration(["1s"])).toBeUndefined();
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [500, "500ms"],
    [15_000, "15s"],
    [90_000, "1m30s"],
    [3_723_004, "1h2m3s4ms"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
