// Lease-service trust on the real Spanner emulator: through the deployable bundle served by the
// real Functions Framework, a forged acquire (the holder's id without its secret) and a foreign
// renew or release are refused and change nothing, the secret is never shown, and a tenant token
// opens only its tenant; through server.ts on node:http, an oversized body is refused (413) before
// it is read in full and an unauthenticated one before any of it is read.
import { mkdtempSync } from "node:fs";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SpannerLockStore } from "../storage/backends/spanner";
import { tenantToken } from "./auth";
import { createLeaseServer } from "./server";
import { createLeaseService } from "./service";
import {
  api,
  INSTANCE,
  PROJECT,
  startLeaseService,
  type LeaseServiceProcess,
} from "./testing/harness";

const TOKEN = "trust-admin-token";
const KEY = "trust-signing-key";
const LEASE = "/v1/leases/team-a/report";

let service: LeaseServiceProcess;
let store: SpannerLockStore;
let server: Server;
let direct: string;

beforeAll(async () => {
  service = await startLeaseService({
    emulatorHost: inject("spannerEmulatorHost"),
    token: TOKEN,
    signingKey: KEY,
    logDir: mkdtempSync(join(tmpdir(), "highlander-trust-")),
  });
  store = new SpannerLockStore({
    type: "spanner",
    projectId: PROJECT,
    instanceId: INSTANCE,
    databaseId: service.databaseId,
    emulatorHost: inject("spannerEmulatorHost"),
  });
  const credentials = { token: TOKEN, signingKey: KEY };
  server = createLeaseServer({
    handle: createLeaseService({ store: async () => store, ...credentials }),
    credentials,
  });
  await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
  direct = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise(resolve => server?.close(resolve));
  await store?.close();
  await service?.stop();
});

const call = (method: string, path: string, body?: unknown, token = TOKEN) =>
  api(service.url, method, path, { token, body });

describe("holder secrets", () => {
  it("refuse a forged acquire and a foreign renew or release; never show the secret", async () => {
    const a = await call("POST", `${LEASE}:acquire`, {
      holderId: "alice",
      leaseDurationMs: 60_000,
    });
    expect(a.status).toBe(200);
    const secret = a.body.holderSecret as string;
    const epoch = a.body.epoch as number;
    const before = (await call("GET", LEASE)).body;
    expect(before).toMatchObject({ holder: "alice", epoch, held: true });

    // GET shows "alice": claiming that id without the secret is another holder.
    const forged = await call("POST", `${LEASE}:acquire`, {
      holderId: "alice",
      leaseDurationMs: 60_000,
    });
    expect(forged.status).toBe(409);
    expect(forged.body.error).toMatch(/needs the holderSecret/);
    for (const holderSecret of [undefined, "guessed"]) {
      const release = await call("POST", `${LEASE}:release`, {
        holderId: "alice",
        epoch,
        holderSecret,
      });
      expect(release.status).toBe(409);
      const renew = await call("POST", `${LEASE}:renew`, {
        holderId: "alice",
        epoch,
        holderSecret,
        leaseDurationMs: 3_600_000,
      });
      expect(renew.status).toBe(409);
    }
    const after = await call("GET", LEASE);
    expect(after.body).toEqual(before);
    const list = await call("GET", "/v1/leases");
    for (const text of [after.text, list.text, forged.text]) {
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/#[0-9a-f]{32}/);
    }

    // The holder itself: re-acquire (new epoch) and release with its secret.
    const again = await call("POST", `${LEASE}:acquire`, {
      holderId: "alice",
      holderSecret: secret,
      leaseDurationMs: 60_000,
    });
    expect(again).toMatchObject({ status: 200 });
    expect(again.body.epoch as number).toBeGreaterThan(epoch);
    const released = await call("POST", `${LEASE}:release`, {
      holderId: "alice",
      holderSecret: secret,
      epoch: again.body.epoch,
    });
    expect(released.status).toBe(200);
  });
});

describe("tenant tokens", () => {
  it("open their own tenant only, and list only its leases", async () => {
    await call("POST", "/v1/leases/team-b/sync:acquire", {
      holderId: "bob",
      leaseDurationMs: 60_000,
    });
    const teamA = tenantToken(KEY, "team-a");
    const own = await call(
      "POST",
      "/v1/leases/team-a/own:acquire",
      { holderId: "al", leaseDurationMs: 60_000 },
      teamA,
    );
    expect(own.status).toBe(200);
    const foreign = await call("GET", "/v1/leases/team-b/sync", undefined, teamA);
    expect(foreign.status).toBe(403);
    const steal = await call(
      "POST",
      "/v1/leases/team-b/sync:release",
      { holderId: "bob", epoch: 1 },
      teamA,
    );
    expect(steal.status).toBe(403);
    expect((await call("GET", "/v1/leases/team-b/sync")).body).toMatchObject({
      holder: "bob",
      held: true,
    });
    const listed = (await call("GET", "/v1/leases", undefined, teamA)).body.leases as {
      tenant: string;
    }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every(l => l.tenant === "team-a")).toBe(true);
    expect(
      (await call("GET", "/v1/leases/team-b/sync", undefined, tenantToken("other-key", "team-b")))
        .status,
    ).toBe(401);
  });
});

interface Raw {
  status: number;
  text: string;
  /** Bytes the client had written when the answer arrived. */
  written: number;
}

/**
 * POSTs `total` bytes in 16 KiB chunks (declaring `declared` as Content-Length, or chunked), but
 * writes the next chunk only while no answer has come: resolves with the answer and how much was sent.
 */
function postLarge(
  path: string,
  total: number,
  declared: number | undefined,
  token = TOKEN,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    };
    if (declared !== undefined) headers["content-length"] = declared;
    const req = request(`${direct}${path}`, { method: "POST", headers });
    let written = 0;
    let answered = false;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    req.on("response", res => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text, written });
      });
    });
    req.on("error", err => {
      if (!answered) reject(err);
    });
    const pump = (): void => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered && declared === undefined) req.end();
    };
    pump();
  });
}

describe("request size limits (server.ts)", () => {
  it("refuses a declared 1 GiB body at once, having read none of it", async () => {
    const res = await postLarge(`${LEASE}:acquire`, 8 * 16 * 1024, 1 << 30);
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/larger than 16384 bytes/);
    expect(res.written).toBeLessThan(1 << 30);
  });

  it("cuts off a chunked body once it passes the limit, long before it ends", async () => {
    const res = await postLarge(`${LEASE}:acquire`, 64 * 1024 * 1024, undefined);
    expect(res.status).toBe(413);
    expect(res.written).toBeLessThan(64 * 1024 * 1024);
  });

  it("answers 401 to an unauthenticated body before reading it", async () => {
    const res = await postLarge(`${LEASE}:acquire`, 8 * 16 * 1024, 1 << 30, "wrong");
    expect(res.status).toBe(401);
    expect(res.written).toBeLessThan(1 << 30);
  });

  it("still serves a normal request", async () => {
    const res = await api(direct, "POST", "/v1/leases/team-c/small:acquire", {
      token: TOKEN,
      body: { holderId: "c", leaseDurationMs: 5000 },
    });
    expect(res.status).toBe(200);
    expect(res.body.holderSecret).toBeTruthy();
  });

  it("the Functions Framework path refuses an oversized body with 413 too", async () => {
    const res = await api(service.url, "POST", `${LEASE}:acquire`, {
      token: TOKEN,
      raw: JSON.stringify({ holderId: "big", leaseDurationMs: 5000, pad: "x".repeat(64 * 1024) }),
      contentType: "text/plain",
    });
    expect(res.status).toBe(413);
  });
});
