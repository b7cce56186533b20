// The lease service over HTTP: the deployable bundle, served by the real Functions Framework, on a
// fresh database of the real Spanner emulator. Contract, bad requests (each leaving storage exactly
// as it was), auth, metrics, the Spanner list operation, and the dashboard in headless Chromium.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../devenv/lib/browser";
import { waitFor } from "../devenv/lib/processes";
import { SpannerLockStore } from "../storage/backends/spanner";
import {
  api,
  INSTANCE,
  PROJECT,
  startLeaseService,
  type LeaseServiceProcess,
} from "./testing/harness";

const TOKEN = "test-token-0123456789";
const LEASE = "/v1/leases/team-a/report";

let service: LeaseServiceProcess;
let url: string;

beforeAll(async () => {
  service = await startLeaseService({
    emulatorHost: inject("spannerEmulatorHost"),
    token: TOKEN,
    logDir: mkdtempSync(join(tmpdir(), "highlander-leases-")),
  });
  url = service.url;
});

afterAll(async () => {
  await service?.stop();
});

const call = (method: string, path: string, body?: unknown) =>
  api(url, method, path, { token: TOKEN, body });

async function snapshot(path = LEASE) {
  const res = await call("GET", path);
  return { status: res.status, body: res.body };
}

describe("lease service contract", () => {
  it("acquire, renew, conflict, release and re-acquire with a strictly greater epoch", async () => {
    expect((await call("GET", LEASE)).status).toBe(404);
    const a = await call("POST", `${LEASE}:acquire`, {
      holderId: "alice",
      leaseDurationMs: 30_000,
      clusterName: "east",
      metadata: { job: "report" },
    });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ acquired: true, holder: "alice" });
    const epoch = a.body.epoch as number;
    expect(epoch).toBeGreaterThanOrEqual(1);
    expect(new Date(a.body.expiresAt as string).getTime()).toBeGreaterThan(Date.now());

    const b = await call("POST", `${LEASE}:acquire`, { holderId: "bob", leaseDurationMs: 30_000 });
    expect(b.status).toBe(409);
    expect(b.body).toMatchObject({ acquired: false, holder: "alice", epoch });
    expect(b.body.error).toMatch(/held by "alice"/);

    const holderSecret = a.body.holderSecret as string;
    expect(holderSecret).toBeTruthy();
    const r = await call("POST", `${LEASE}:renew`, {
      holderId: "alice",
      holderSecret,
      epoch,
      leaseDurationMs: 30_000,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ renewed: true, epoch, holder: "alice" });

    const got = await call("GET", LEASE);
    expect(got.body).toMatchObject({
      tenant: "team-a",
      name: "report",
      holder: "alice",
      clusterName: "east",
      epoch,
      held: true,
      metadata: { job: "report" },
    });

    const rel = await call("POST", `${LEASE}:release`, { holderId: "alice", holderSecret, epoch });
    expect(rel.status).toBe(200);
    expect(rel.body).toMatchObject({ released: true });
    expect((await call("GET", LEASE)).body).toMatchObject({ holder: "", held: false, epoch });

    const again = await call("POST", `${LEASE}:acquire`, {
      holderId: "bob",
      leaseDurationMs: 30_000,
    });
    expect(again.status).toBe(200);
    expect(again.body.epoch as number).toBeGreaterThan(epoch);
    // Renewing with the old epoch is refused even by its former holder: it is fenced off.
    const stale = await call("POST", `${LEASE}:renew`, {
      holderId: "alice",
      holderSecret,
      epoch,
      leaseDurationMs: 30_000,
    });
    expect(stale.status).toBe(409);
  });

  it("lists every lease (and only leases) with holder, epoch and expiry", async () => {
    await call("POST", "/v1/leases/team-b/sync:acquire", {
      holderId: "carol",
      leaseDurationMs: 20_000,
    });
    const res = await call("GET", "/v1/leases");
    expect(res.status).toBe(200);
    const leases = res.body.leases as {
      tenant: string;
      name: string;
      holder: string;
      epoch: number;
    }[];
    expect(leases.map(l => `${l.tenant}/${l.name}`)).toEqual(["team-a/report", "team-b/sync"]);
    expect(leases[1]).toMatchObject({ holder: "carol", epoch: 1 });
  });

  it("the Spanner backend's list() returns keys by prefix, in order, released ones included", async () => {
    const store = new SpannerLockStore({
      type: "spanner",
      projectId: PROJECT,
      instanceId: INSTANCE,
      databaseId: service.databaseId,
      emulatorHost: inject("spannerEmulatorHost"),
    });
    try {
      await store.tryAcquire("highlander-leader-lock:other", {
        holderId: "op",
        clusterName: "",
        leaseDurationMs: 5000,
      });
      const rows = await store.list("highlander-lease:");
      expect(rows.map(r => r.key)).toEqual([
        "highlander-lease:team-a/report",
        "highlander-lease:team-b/sync",
      ]);
      // Stored with the mark of bob's holder secret (holder-secret.ts); every answer shows "bob".
      expect(rows[0].record.holderId).toMatch(/^bob#[0-9a-f]{32}$/);
      expect(await store.list("highlander-lease:team-b/")).toHaveLength(1);
      expect(await store.list("highlander-lease:", 1)).toHaveLength(1);
      expect(await store.list("nothing-here:")).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe("bad requests get a clear 4xx and change nothing", () => {
  const cases: {
    what: string;
    method: string;
    path: string;
    token?: string | null;
    body?: unknown;
    raw?: string;
    contentType?: string;
    status: number;
    error: RegExp;
  }[] = [
    {
      what: "missing holder",
      method: "POST",
      path: `${LEASE}:acquire`,
      body: { leaseDurationMs: 5000 },
      status: 400,
      error: /holderId is required/,
    },
    {
      what: "negative duration",
      method: "POST",
      path: `${LEASE}:acquire`,
      body: { holderId: "mallory", leaseDurationMs: -5 },
      status: 400,
      error: /must be positive/,
    },
    {
      what: "zero duration",
      method: "POST",
      path: `${LEASE}:acquire`,
      body: { holderId: "mallory", leaseDurationMs: 0 },
      status: 400,
      error: /must be positive/,
    },
    {
      what: "too long a duration",
      method: "POST",
      path: `${LEASE}:acquire`,
      body: { holderId: "mallory", leaseDurationMs: 86_400_000 },
      status: 400,
      error: /between 1000 and 3600000/,
    },
    {
      what: "wrong epoch on renew",
      method: "POST",
      path: `${LEASE}:renew`,
      body: { holderId: "bob", epoch: 999, leaseDurationMs: 5000 },
      status: 409,
      error: /not held by "bob" with epoch 999/,
    },
    {
      what: "wrong epoch on release",
      method: "POST",
      path: `${LEASE}:release`,
      body: { holderId: "bob", epoch: 1 },
      status: 409,
      error: /release refused/,
    },
    {
      what: "renew without epoch",
      method: "POST",
      path: `${LEASE}:renew`,
      body: { holderId: "bob", leaseDurationMs: 5000 },
      status: 400,
      error: /epoch is required/,
    },
    {
      what: "unknown lease",
      method: "GET",
      path: "/v1/leases/team-a/nope",
      status: 404,
      error: /no lease team-a\/nope/,
    },
    {
      what: "renew of an unknown lease",
      method: "POST",
      path: "/v1/leases/team-a/nope:renew",
      body: { holderId: "bob", epoch: 1, leaseDurationMs: 5000 },
      status: 404,
      error: /no lease team-a\/nope/,
    },
    {
      what: "no token",
      method: "POST",
      path: `${LEASE}:acquire`,
      token: null,
      body: { holderId: "mallory", leaseDurationMs: 5000 },
      status: 401,
      error: /missing bearer token/,
    },
    {
      what: "wrong token",
      method: "POST",
      path: `${LEASE}:release`,
      token: "guess",
      body: { holderId: "bob", epoch: 2 },
      status: 401,
      error: /invalid bearer token/,
    },
    {
      what: "no token for reading",
      method: "GET",
      path: LEASE,
      token: null,
      status: 401,
      error: /missing bearer token/,
    },
    {
      what: "malformed JSON (text/plain)",
      method: "POST",
      path: `${LEASE}:acquire`,
      raw: '{"holderId": "mallory",',
      contentType: "text/plain",
      status: 400,
      error: /malformed JSON/,
    },
    {
      what: "malformed JSON (no content type)",
      method: "POST",
      path: `${LEASE}:acquire`,
      raw: "{nope",
      status: 400,
      error: /malformed JSON/,
    },
    {
      what: "a JSON array",
      method: "POST",
      path: `${LEASE}:acquire`,
      body: [1, 2],
      status: 400,
      error: /must be a JSON object/,
    },
    {
      what: "wrong method",
      method: "GET",
      path: `${LEASE}:acquire`,
      status: 405,
      error: /use POST/,
    },
    { what: "DELETE on a lease", method: "DELETE", path: LEASE, status: 405, error: /use GET/ },
    {
      what: "bad tenant",
      method: "POST",
      path: "/v1/leases/Team_A/report:acquire",
      body: { holderId: "x", leaseDurationMs: 5000 },
      status: 400,
      error: /not a DNS label/,
    },
    {
      what: "unknown action",
      method: "POST",
      path: `${LEASE}:steal`,
      body: { holderId: "x" },
      status: 404,
      error: /unknown action/,
    },
  ];

  it.each(cases)("$what → $status", async c => {
    const before = await snapshot();
    const res = await api(url, c.method, c.path, {
      token: c.token === null ? undefined : (c.token ?? TOKEN),
      body: c.body,
      raw: c.raw,
      contentType: c.contentType,
    });
    expect(res.status).toBe(c.status);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(res.body.error).toMatch(c.error);
    expect(await snapshot()).toEqual(before);
    expect((await snapshot("/v1/leases/team-a/nope")).status).toBe(404);
  });

  it("malformed JSON sent as application/json is refused by the Functions Framework (400) and changes nothing", async () => {
    const before = await snapshot();
    const res = await api(url, "POST", `${LEASE}:acquire`, {
      token: TOKEN,
      raw: '{"holderId": "mallory",',
      contentType: "application/json",
    });
    // The framework's body parser answers before our code runs (documented in docs/serverless.md).
    expect(res.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});

describe("operations endpoints", () => {
  it("/healthz needs no token; /metrics needs the token and counts operations by result", async () => {
    expect((await api(url, "GET", "/healthz")).body).toEqual({ status: "ok" });
    expect((await api(url, "GET", "/metrics")).status).toBe(401);
    const res = await api(url, "GET", "/metrics", { token: TOKEN });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /k8_highlander_lease_operations_total\{operation="acquire",result="ok"\} [1-9]/,
    );
    expect(res.text).toMatch(
      /k8_highlander_lease_operations_total\{operation="acquire",result="conflict"\} [1-9]/,
    );
    expect(res.text).toMatch(
      /k8_highlander_lease_operations_total\{operation="acquire",result="unauthorized"\} [1-9]/,
    );
    expect(res.text).toMatch(
      /k8_highlander_lease_operations_total\{operation="renew",result="conflict"\} [1-9]/,
    );
    expect(res.text).toMatch(
      /k8_highlander_db_operations_total\{operation="acquire",backend="spanner"\} [1-9]/,
    );
  });
});

describe("dashboard", () => {
  it("lists every lease with holder, epoch and expiry in headless Chromium", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", err => errors.push(err.message));
      page.on("console", msg => {
        if (msg.type() === "error") errors.push(msg.text());
      });
      const res = await page.goto(`${url}/`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()["content-security-policy"]).toMatch(/default-src 'none'/);
      // Without the token the page shows no data and says why.
      await waitFor(
        "the token prompt",
        async () =>
          (await page.getByTestId("connection").textContent())?.includes("token")
            ? true
            : undefined,
        10_000,
      );
      expect(await page.getByTestId("lease-row").count()).toBe(0);
      await page.getByTestId("token-input").fill(TOKEN);
      await page.getByTestId("token-save").click();
      await page.getByTestId("lease-row").nth(1).waitFor({ timeout: 10_000 });
      const rows = await page.getByTestId("lease-row").all();
      const table = await Promise.all(
        rows.map(async row => ({
          lease: await row.getByTestId("lease-name").textContent(),
          holder: await row.getByTestId("lease-holder").textContent(),
          epoch: await row.getByTestId("lease-epoch").textContent(),
          state: await row.getByTestId("lease-state").textContent(),
          expires: await row.getByTestId("lease-expires").textContent(),
        })),
      );
      const api2 = await call("GET", LEASE);
      expect(table).toHaveLength(2);
      expect(table[0]).toMatchObject({
        lease: "team-a/report",
        holder: api2.body.holder,
        epoch: String(api2.body.epoch),
      });
      expect(table[1]).toMatchObject({ lease: "team-b/sync", holder: "carol", epoch: "1" });
      for (const row of table) expect(row.expires).not.toBe("");
      expect(await page.getByTestId("lease-count").textContent()).toBe("2");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
