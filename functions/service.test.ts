// The framework-free service over the in-memory store (unit test: the real Spanner is in
// leases.int.test.ts).
import { describe, expect, it } from "vitest";
import { MemoryLockStore } from "../storage/testing/memory-store";
import { tenantToken } from "./auth";
import { createLeaseService } from "./service";

function setup() {
  let now = 1_000_000;
  const store = new MemoryLockStore(() => now);
  const handle = createLeaseService({
    store: async () => store,
    token: "t",
    signingKey: "k",
    now: () => now,
  });
  const call = async (method: string, path: string, body?: unknown, token = "t") => {
    const res = await handle({ method, path, body, authorization: `Bearer ${token}` });
    return { status: res.status, body: JSON.parse(res.body) as Record<string, unknown> };
  };
  return { store, call, advance: (ms: number) => (now += ms), handle };
}

describe("lease service", () => {
  it("acquire → 409 for others → expiry lets them in with a new epoch", async () => {
    const { call, advance } = setup();
    const a = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "a",
      leaseDurationMs: 5000,
    });
    expect(a).toMatchObject({ status: 200, body: { acquired: true, epoch: 1, holder: "a" } });
    const b = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "b",
      leaseDurationMs: 5000,
    });
    expect(b).toMatchObject({ status: 409, body: { acquired: false, holder: "a", epoch: 1 } });
    advance(5001);
    const b2 = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "b",
      leaseDurationMs: 5000,
    });
    expect(b2).toMatchObject({ status: 200, body: { epoch: 2, holder: "b" } });
    const lost = await call("POST", "/v1/leases/t/n:renew", {
      holderId: "a",
      epoch: 1,
      leaseDurationMs: 5000,
    });
    expect(lost.status).toBe(409);
    expect(lost.body.error).toMatch(/held by "b" with epoch 2/);
  });

  it("refuses bad input before touching storage", async () => {
    const { call, store } = setup();
    store.calls = [];
    expect((await call("POST", "/v1/leases/t/n:acquire", { leaseDurationMs: 1 })).status).toBe(400);
    expect((await call("POST", "/v1/leases/t/n:acquire", "{x")).status).toBe(400);
    expect((await call("POST", "/v1/leases/t/n:acquire", {}, "wrong")).status).toBe(401);
    expect(store.calls).toEqual([]);
  });

  it("404 for unknown leases, 501 when the backend cannot list, 503 when storage fails", async () => {
    const { call, store } = setup();
    expect((await call("GET", "/v1/leases/t/none")).status).toBe(404);
    expect(
      (await call("POST", "/v1/leases/t/none:release", { holderId: "a", epoch: 1 })).status,
    ).toBe(404);
    expect((await call("GET", "/v1/leases")).status).toBe(501);
    store.mode = "fail";
    const res = await call("GET", "/v1/leases/t/none");
    expect(res).toMatchObject({ status: 503, body: { error: /storage unavailable/ } });
  });

  it("serves the dashboard and health without a token, with a strict CSP", async () => {
    const { handle } = setup();
    const page = await handle({ method: "GET", path: "/" });
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toMatch(/script-src 'sha256-/);
    expect(page.body).not.toMatch(/https?:\/\//);
    expect(page.body).not.toMatch(/innerHTML/);
    expect((await handle({ method: "GET", path: "/healthz" })).status).toBe(200);
    expect((await handle({ method: "GET", path: "/metrics" })).status).toBe(401);
  });

  it("a forged acquire (the holder's id without its secret) is another holder: 409, epoch kept", async () => {
    const { call } = setup();
    const a = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "a",
      leaseDurationMs: 5000,
    });
    const secret = a.body.holderSecret as string;
    expect(secret).toMatch(/^[\w-]{43}$/);
    const forged = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "a",
      leaseDurationMs: 5000,
    });
    expect(forged).toMatchObject({ status: 409, body: { holder: "a", epoch: 1 } });
    expect(forged.body.error).toMatch(/needs the holderSecret/);
    const wrong = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "a",
      holderSecret: "guess",
      leaseDurationMs: 5000,
    });
    expect(wrong.status).toBe(409);
    // The real holder re-acquires with its secret: a new epoch, the same secret still works.
    const again = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "a",
      holderSecret: secret,
      leaseDurationMs: 5000,
    });
    expect(again).toMatchObject({ status: 200, body: { epoch: 2, holder: "a" } });
    const renewed = await call("POST", "/v1/leases/t/n:renew", {
      holderId: "a",
      holderSecret: secret,
      epoch: 2,
      leaseDurationMs: 5000,
    });
    expect(renewed).toMatchObject({ status: 200, body: { holder: "a", lease: { holder: "a" } } });
  });

  it("a foreign renew or release (no or another secret) is refused and changes nothing", async () => {
    const { call } = setup();
    const a = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "a",
      leaseDurationMs: 5000,
    });
    for (const holderSecret of [undefined, "not-the-secret"]) {
      const release = await call("POST", "/v1/leases/t/n:release", {
        holderId: "a",
        epoch: 1,
        holderSecret,
      });
      expect(release.status).toBe(409);
      expect(release.body.error).toMatch(/holderSecret/);
      const renew = await call("POST", "/v1/leases/t/n:renew", {
        holderId: "a",
        epoch: 1,
        leaseDurationMs: 3_600_000,
        holderSecret,
      });
      expect(renew.status).toBe(409);
    }
    const now = await call("GET", "/v1/leases/t/n");
    expect(now.body).toMatchObject({ holder: "a", epoch: 1, held: true });
    expect(now.body.expiresAt).toBe((a.body.lease as { expiresAt: string }).expiresAt);
    const released = await call("POST", "/v1/leases/t/n:release", {
      holderId: "a",
      epoch: 1,
      holderSecret: a.body.holderSecret,
    });
    expect(released).toMatchObject({ status: 200, body: { released: true } });
  });

  it("never shows the secret or its stored mark in GET, list or a 409", async () => {
    const { call } = setup();
    const a = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "a",
      leaseDurationMs: 5000,
    });
    const secret = a.body.holderSecret as string;
    const other = await call("POST", "/v1/leases/t/n:acquire", {
      holderId: "b",
      leaseDurationMs: 5000,
    });
    const get = await call("GET", "/v1/leases/t/n");
    for (const res of [get, other]) {
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/#[0-9a-f]{32}/);
    }
    expect(get.body.holder).toBe("a");
  });

  it("a tenant token opens its own tenant only; list shows only its leases", async () => {
    const { call } = setup();
    await call("POST", "/v1/leases/t/n:acquire", { holderId: "a", leaseDurationMs: 5000 });
    await call("POST", "/v1/leases/u/n:acquire", { holderId: "b", leaseDurationMs: 5000 });
    const mine = tenantToken("k", "t");
    expect((await call("GET", "/v1/leases/t/n", undefined, mine)).status).toBe(200);
    const foreign = await call("GET", "/v1/leases/u/n", undefined, mine);
    expect(foreign).toMatchObject({ status: 403, body: { error: /tenant "u"/ } });
    const release = await call("POST", "/v1/leases/u/n:release", { holderId: "b", epoch: 1 }, mine);
    expect(release.status).toBe(403);
    // A token for "u" signed with another key, or "t"'s signature under "u"'s name, is no token.
    expect((await call("GET", "/v1/leases/u/n", undefined, tenantToken("x", "u"))).status).toBe(
      401,
    );
    const swapped = mine.replace(".t.", ".u.");
    expect((await call("GET", "/v1/leases/u/n", undefined, swapped)).status).toBe(401);
  });

  it("413 for an oversized body, whatever its declared length", async () => {
    const { call, handle, store } = setup();
    store.calls = [];
    const big = JSON.stringify({ holderId: "a", leaseDurationMs: 5000, pad: "x".repeat(20_000) });
    expect((await call("POST", "/v1/leases/t/n:acquire", big)).status).toBe(413);
    const declared = await handle({
      method: "POST",
      path: "/v1/leases/t/n:acquire",
      authorization: "Bearer t",
      contentLength: 1 << 30,
      body: "{}",
    });
    expect(declared.status).toBe(413);
    expect(store.calls).toEqual([]);
  });

  it("refuses holder ids, cluster names and metadata with control characters", async () => {
    const { call, store } = setup();
    store.calls = [];
    for (const body of [
      { holderId: "a\u001b[2J", leaseDurationMs: 5000 },
      { holderId: "a\u202e", leaseDurationMs: 5000 },
      { holderId: "a", clusterName: "c\n", leaseDurationMs: 5000 },
      { holderId: "a", leaseDurationMs: 5000, metadata: { k: "v\u0007" } },
      { holderId: "a", leaseDurationMs: 5000, metadata: { "k\r": "v" } },
      { holderId: "a", leaseDurationMs: 5000, metadata: { ["k".repeat(200)]: "v" } },
    ]) {
      const res = await call("POST", "/v1/leases/t/n:acquire", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(store.calls).toEqual([]);
  });
});
