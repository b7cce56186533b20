import { describe, expect, it } from "vitest";
import { checkToken } from "./auth";
import { checkAcquire, checkRelease, checkRenew, parseBody, toPrintable } from "./validate";

describe("parseBody", () => {
  it("accepts objects, JSON text and bytes; refuses the rest with a reason", () => {
    expect(parseBody({ a: 1 })).toEqual({ ok: true, value: { a: 1 } });
    expect(parseBody('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseBody(Buffer.from('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    expect(parseBody("{nope")).toMatchObject({ ok: false, error: /malformed JSON/ });
    expect(parseBody("")).toMatchObject({ ok: false, error: /empty body/ });
    expect(parseBody(undefined)).toMatchObject({ ok: false, error: /empty body/ });
    expect(parseBody("[1]")).toMatchObject({ ok: false, error: /JSON object/ });
  });
});

describe("request checks", () => {
  it("acquire needs a holder and a duration between 1 s and 1 h", () => {
    expect(checkAcquire({ holderId: "a", leaseDurationMs: 5000 })).toEqual({
      ok: true,
      value: { holderId: "a", leaseDurationMs: 5000, clusterName: "", metadata: {} },
    });
    expect(checkAcquire({ leaseDurationMs: 5000 })).toMatchObject({
      error: "holderId is required",
    });
    expect(checkAcquire({ holderId: 7, leaseDurationMs: 5000 })).toMatchObject({ ok: false });
    expect(checkAcquire({ holderId: "a" })).toMatchObject({ error: /leaseDurationMs is required/ });
    expect(checkAcquire({ holderId: "a", leaseDurationMs: -1 })).toMatchObject({
      error: /positive/,
    });
    expect(checkAcquire({ holderId: "a", leaseDurationMs: 0 })).toMatchObject({
      error: /positive/,
    });
    expect(checkAcquire({ holderId: "a", leaseDurationMs: 1.5 })).toMatchObject({ ok: false });
    expect(checkAcquire({ holderId: "a", leaseDurationMs: "5000" })).toMatchObject({ ok: false });
    expect(checkAcquire({ holderId: "a", leaseDurationMs: 999 })).toMatchObject({
      error: /between/,
    });
    expect(checkAcquire({ holderId: "a", leaseDurationMs: 3_600_001 })).toMatchObject({
      error: /between/,
    });
    expect(
      checkAcquire({ holderId: "a", leaseDurationMs: 5000, metadata: { k: 1 } }),
    ).toMatchObject({ error: /metadata.k must be a string/ });
    expect(checkAcquire({ holderId: "a", leaseDurationMs: 5000, clusterName: 3 })).toMatchObject({
      ok: false,
    });
  });

  it("renew and release need a positive whole epoch", () => {
    expect(checkRenew({ holderId: "a", epoch: 2, leaseDurationMs: 5000 })).toMatchObject({
      ok: true,
    });
    expect(checkRenew({ holderId: "a", leaseDurationMs: 5000 })).toMatchObject({
      error: "epoch is required",
    });
    expect(checkRelease({ holderId: "a", epoch: 0 })).toMatchObject({ ok: false });
    expect(checkRelease({ holderId: "a", epoch: "2" })).toMatchObject({ ok: false });
    expect(checkRelease({ epoch: 2 })).toMatchObject({ error: "holderId is required" });
  });
});

describe("checkToken", () => {
  it("accepts exactly the configured bearer token and fails closed without one", () => {
    expect(checkToken("s3cret", "Bearer s3cret")).toEqual({ ok: true });
    expect(checkToken("s3cret", "bearer s3cret")).toEqual({ ok: true });
    expect(checkToken("s3cret", "Bearer s3cre")).toMatchObject({ error: "invalid bearer token" });
    expect(checkToken("s3cret", "Bearer s3cret-and-more")).toMatchObject({ ok: false });
    expect(checkToken("s3cret", "Basic czNjcmV0")).toMatchObject({ error: /missing bearer/ });
    expect(checkToken("s3cret", undefined)).toMatchObject({ error: /missing bearer/ });
    expect(checkToken(undefined, "Bearer x")).toMatchObject({ error: /no HIGHLANDER_LEASE_TOKEN/ });
    expect(checkToken("", "Bearer ")).toMatchObject({ ok: false });
  });
});

describe("toPrintable", () => {
  it("replaces what the service refuses (control, separator, bidi characters) by spaces", () => {
    expect(toPrintable("sh -c 'a\nb\tc\u001b[2J\u202e'")).toBe("sh -c 'a b c [2J '");
    expect(
      checkAcquire({ holderId: "a", leaseDurationMs: 5000, metadata: { c: toPrintable("x\ny") } })
        .ok,
    ).toBe(true);
  });
});
