// The framework-free service over the in-memory store (unit test: the real Spanner is in
// leases.int.test.ts).
import { describe, expect, it } from "vitest";
import { MemoryLockStore } from "../storage/testing/memory-store";
import { createLeaseService } from "./service";

function setup() {
  let now = 1_000_000;
  const store = new MemoryLockStore(() => now);
  const handle = createLeaseService({ store: async () => store, token: "t", now: () => now });
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
});
