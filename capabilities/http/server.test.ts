import { request as httpRequest } from "node:http";
import { Writable } from "node:stream";
import { Counter, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logging/logger";
import { DASHBOARD_CSP, DASHBOARD_HTML } from "./dashboard";
import { createHttpServer, type HttpServerOptions } from "./server";
import type { StatusSnapshot, StatusSource } from "./source";
import { sampleSnapshot } from "./test-fixtures";

const TOKEN = "test-api-token";
const AUTH = { authorization: `Bearer ${TOKEN}` };

const logLines: string[] = [];
const logger = createLogger(
  "debug",
  new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  }),
);

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(s => s.close()));
  logLines.length = 0;
});

interface Started {
  base: string;
  stepDowns: number;
  snapshot: StatusSnapshot;
}

/** Starts a real server on a free loopback port over a snapshot the test may change. */
async function start(
  options: Partial<HttpServerOptions> & { withStepDown?: boolean; failing?: boolean } = {},
): Promise<Started> {
  const state: Started = { base: "", stepDowns: 0, snapshot: sampleSnapshot() };
  const source: StatusSource = {
    snapshot: () => {
      if (options.failing) throw new Error("runtime not started");
      return state.snapshot;
    },
  };
  if (options.withStepDown !== false) {
    source.stepDown = async () => {
      state.stepDowns++;
    };
  }
  const server = createHttpServer({
    port: 0,
    host: "127.0.0.1",
    source,
    logger,
    auth: { staticToken: () => TOKEN },
    ...options,
  });
  running.push(server);
  const port = await server.listen();
  state.base = `http://127.0.0.1:${port}`;
  return state;
}

async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown>; res: Response }> {
  const res = await fetch(url, init);
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, res };
}

describe("JSON API", () => {
  it("/api/status and /status return the whole picture in the envelope", async () => {
    const s = await start();
    for (const path of ["/api/status", "/status"]) {
      const { status, body } = await getJson(s.base + path);
      expect(status).toBe(200);
      expect(body.status).toBe("success");
      expect(body).not.toHaveProperty("error");
      const data = body.data as Record<string, unknown>;
      expect(data).toMatchObject({
        instance: { id: "pod-a", role: "leader", epoch: 7 },
        leader: { id: "pod-a", epoch: 7 },
        storage: { type: "db", connected: true },
        isLeader: true,
        leaderID: "pod-a",
        ready: { ready: true, reasons: [] },
      });
      expect((data.workloads as unknown[]).length).toBe(3);
      expect((data.events as Array<{ at: string }>).map(e => e.at)).toEqual([
        "2025-01-01T10:00:00.000Z",
        "2025-01-01T09:59:59.000Z",
        "2025-01-01T09:00:00.000Z",
      ]);
    }
  });

  it("/api/workloads lists every workload; /api/workload-names their names", async () => {
    const s = await start();
    const all = await getJson(`${s.base}/api/workloads`);
    expect((all.body.data as Array<{ name: string }>).map(w => w.name)).toEqual([
      "worker",
      "api",
      "worker",
    ]);
    const names = await getJson(`${s.base}/api/workload-names`);
    expect(names.body.data).toEqual(["worker", "api", "worker"]);
  });

  it("/api/workloads/{namespace}/{kind}/{name} finds one workload, by any spelling of the kind", async () => {
    const s = await start();
    for (const kind of ["WorkloadService", "workloadservices", "wsvc", "wls", "service"]) {
      const { status, body } = await getJson(`${s.base}/api/workloads/team-a/${kind}/api`);
      expect(status).toBe(200);
      expect(body.data).toMatchObject({
        kind: "WorkloadService",
        name: "api",
        lastError: "readiness probe failed",
      });
    }
    const missing = await getJson(`${s.base}/api/workloads/team-a/WorkloadService/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      status: "error",
      error: "workload not found: team-a/WorkloadService/nope",
    });
  });

  it("/api/workloads/{name} (the predecessor's path) finds a unique name and refuses an ambiguous one", async () => {
    const s = await start();
    const api = await getJson(`${s.base}/api/workloads/api`);
    expect(api.status).toBe(200);
    expect(api.body.data).toMatchObject({ namespace: "team-a", name: "api" });

    const twice = await getJson(`${s.base}/api/workloads/worker`);
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      status: "error",
      data: ["team-a/WorkloadProcess/worker", "team-b/WorkloadCronJob/worker"],
    });

    const none = await getJson(`${s.base}/api/workloads/ghost`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ status: "error", error: "workload not found: ghost" });
  });

  it("/api/leader shows the lock holder and this instance", async () => {
    const s = await start();
    s.snapshot.instance = {
      ...s.snapshot.instance,
      id: "pod-b",
      role: "standby",
      epoch: null,
      leaderSince: null,
    };
    const { body } = await getJson(`${s.base}/api/leader`);
    expect(body.data).toEqual({
      tenant: s.snapshot.instance.tenant,
      leader: s.snapshot.leader,
      self: { id: "pod-b", role: "standby", epoch: null },
      isLeader: false,
    });
  });

  it("/api/dbinfo shows type, address and health, and never a password", async () => {
    const s = await start();
    s.snapshot.storage = {
      type: "redis",
      address: "redis://:hunter2@redis:6379",
      connected: false,
      lastError: "connect redis://:hunter2@redis:6379 refused",
    };
    const { body, res } = await getJson(`${s.base}/api/dbinfo`);
    expect(body.data).toEqual({
      type: "redis",
      address: "redis://:****@redis:6379",
      connected: false,
      lastError: "connect redis://:****@redis:6379 refused",
      details: { type: "Redis" },
    });
    const status = await (await fetch(`${s.base}/api/status`)).text();
    expect(status).not.toContain("hunter2");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("/api/pods lists the Pod children with their workload", async () => {
    const s = await start();
    const { body } = await getJson(`${s.base}/api/pods`);
    expect(body.data).toMatchObject([
      {
        kind: "Pod",
        name: "worker-abc",
        status: "Running",
        node: "node-1",
        createdAt: "2025-01-01T10:00:05.000Z",
        namespace: "team-a",
        workload: { kind: "WorkloadProcess", name: "worker" },
      },
      {
        kind: "Pod",
        name: "api-1",
        status: "Running",
        namespace: "team-a",
        workload: { kind: "WorkloadService", name: "api" },
      },
      {
        kind: "Pod",
        name: "api-2",
        status: "Pending",
        namespace: "team-a",
        workload: { kind: "WorkloadService", name: "api" },
      },
    ]);
    // The predecessor's PodInfo fields beside ours (predecessor-views.test.ts has the details).
    expect((body.data as unknown[])[0]).toMatchObject({
      controllerId: "pod-a",
      clusterName: "primary",
      age: expect.stringMatching(/^\d+(d\d+h|h\d+m|m\d+s|s)$/) as string,
    });
  });

  it("/debug/status adds process facts and the (masked) config", async () => {
    const s = await start({
      debugInfo: () => ({ tenant: "default", redis: { password: "****" } }),
    });
    const { body } = await getJson(`${s.base}/debug/status`);
    const data = body.data as Record<string, unknown>;
    expect(data.config).toEqual({ tenant: "default", redis: { password: "****" } });
    expect(data.process).toMatchObject({ pid: process.pid, node: process.version });
    expect(data.status).toMatchObject({ instance: { id: "pod-a" } });
    expect(typeof data.startTime).toBe("string");
  });

  it("answers 500 in the envelope when the runtime cannot give a status, and logs it", async () => {
    const s = await start({ failing: true });
    const { status, body } = await getJson(`${s.base}/api/status`);
    expect(status).toBe(500);
    expect(body).toEqual({ status: "error", error: "internal error: runtime not started" });
    expect(logLines.join("")).toContain("http request failed");
  });
});

describe("errors", () => {
  it("404s unknown paths in the envelope", async () => {
    const s = await start();
    for (const path of ["/nope", "/api/workloads/a/b", "/api/workloads/a/b/c/d", "/api/%zz"]) {
      const { status, body } = await getJson(s.base + path);
      expect(status).toBe(404);
      expect(body.status).toBe("error");
      expect(typeof body.error).toBe("string");
    }
  });

  it("405s a known path with the wrong method, listing the allowed ones", async () => {
    const s = await start();
    const post = await getJson(`${s.base}/api/status`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.res.headers.get("allow")).toBe("GET, HEAD");
    expect(post.body).toEqual({ status: "error", error: "method POST not allowed on /api/status" });

    const get = await getJson(`${s.base}/api/leader/step-down`);
    expect(get.status).toBe(405);
    expect(get.res.headers.get("allow")).toBe("POST");
  });

  it("ignores a trailing slash and the query string", async () => {
    const s = await start();
    expect((await fetch(`${s.base}/api/workloads/?x=1`)).status).toBe(200);
  });
});

describe("POST /api/leader/step-down", () => {
  it("asks the runtime to step down when this instance leads", async () => {
    const s = await start();
    const { status, body } = await getJson(`${s.base}/api/leader/step-down`, {
      method: "POST",
      headers: AUTH,
    });
    expect(status).toBe(200);
    expect(body).toEqual({ status: "success", data: { steppedDown: true, id: "pod-a", epoch: 7 } });
    expect(s.stepDowns).toBe(1);
    expect(logLines.join("")).toContain("stepping down on HTTP request");
  });

  it("answers 409 on a standby, without calling the runtime", async () => {
    const s = await start();
    s.snapshot.instance = {
      ...s.snapshot.instance,
      id: "pod-b",
      role: "standby",
      epoch: null,
      leaderSince: null,
    };
    const { status, body } = await getJson(`${s.base}/api/leader/step-down`, {
      method: "POST",
      headers: AUTH,
    });
    expect(status).toBe(409);
    expect(body).toEqual({
      status: "error",
      error: "not the leader: this instance is standby",
      data: { id: "pod-b", leaderID: "pod-a" },
    });
    expect(s.stepDowns).toBe(0);
  });

  it("answers 501 when the runtime offers no step-down", async () => {
    const s = await start({ withStepDown: false });
    expect(
      (await fetch(`${s.base}/api/leader/step-down`, { method: "POST", headers: AUTH })).status,
    ).toBe(501);
  });

  it("answers 401 without or with a wrong token, and the leader keeps leading", async () => {
    const s = await start();
    const none = await fetch(`${s.base}/api/leader/step-down`, { method: "POST" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const wrong = await fetch(`${s.base}/api/leader/step-down`, {
      method: "POST",
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    expect(s.stepDowns).toBe(0);
  });

  it("answers 403 to a Kubernetes user RBAC does not allow", async () => {
    const s = await start({
      auth: {
        kube: {
          tokenReview: async () => ({ username: "alice" }),
          subjectAccessReview: async () => false,
        },
      },
    });
    const res = await getJson(`${s.base}/api/leader/step-down`, {
      method: "POST",
      headers: { authorization: "Bearer kube" },
    });
    expect(res.status).toBe(403);
    expect(s.stepDowns).toBe(0);
  });

  it("refuses cross-origin browser requests", async () => {
    const s = await start();
    const foreign = await fetch(`${s.base}/api/leader/step-down`, {
      method: "POST",
      headers: { ...AUTH, origin: "http://evil.example" },
    });
    expect(foreign.status).toBe(403);
    const same = await fetch(`${s.base}/api/leader/step-down`, {
      method: "POST",
      headers: { ...AUTH, origin: s.base },
    });
    expect(same.status).toBe(200);
    expect(s.stepDowns).toBe(1);
  });
});

describe("api.readAuth", () => {
  const reads = ["/", "/api/status", "/api/workloads", "/api/leader", "/metrics"];

  it("open (the default) answers reads without credentials", async () => {
    const s = await start();
    for (const path of reads) expect((await fetch(`${s.base}${path}`)).status).toBe(200);
  });

  it("token: reads need the api.token bearer; probes stay open for the kubelet", async () => {
    const s = await start({ readAuth: "token" });
    for (const path of reads) {
      const none = await fetch(`${s.base}${path}`);
      expect(none.status, path).toBe(401);
      expect(none.headers.get("www-authenticate")).toContain("Bearer");
      expect((await fetch(`${s.base}${path}`, { headers: AUTH })).status, path).toBe(200);
    }
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    expect([200, 503]).toContain((await fetch(`${s.base}/readyz`)).status);
  });

  it("kubernetes: a token RBAC lets get leaders reads; one it refuses gets 403", async () => {
    const allowed = new Set(["reader"]);
    const s = await start({
      readAuth: "kubernetes",
      auth: {
        kube: {
          tokenReview: async token => ({ username: token }),
          subjectAccessReview: async (user, attrs) =>
            attrs.verb === "get" && allowed.has(user.username),
        },
      },
    });
    const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    expect((await fetch(`${s.base}/api/status`, as("reader"))).status).toBe(200);
    const denied = await getJson(`${s.base}/api/status`, as("stranger"));
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.body)).toContain("may not get leaders.highlander.plexobject.io");
    // A reader may not step the leader down: that takes update.
    const post = await fetch(`${s.base}/api/leader/step-down`, { method: "POST", ...as("reader") });
    expect(post.status).toBe(403);
    expect(s.stepDowns).toBe(0);
  });
});

describe("Host allow-list", () => {
  it("refuses a DNS-rebinding Host on every route", async () => {
    const s = await start();
    const port = new URL(s.base).port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port, path: "/api/status", headers: { host: "evil.example" } },
        res => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});

describe("probes", () => {
  it("/healthz is 200 ok even when the runtime cannot report status", async () => {
    const s = await start({ failing: true });
    const res = await fetch(`${s.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
    const head = await fetch(`${s.base}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  for (const path of ["/readyz", "/health"]) {
    it(`${path} is 200 when watches are synced and storage is reachable`, async () => {
      const s = await start();
      const { status, body } = await getJson(s.base + path);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: "success", data: { ready: true, reasons: [] } });
    });

    it(`${path} is 503 with the reasons otherwise`, async () => {
      const s = await start();
      s.snapshot.readiness = {
        watchesSynced: false,
        lostWatches: [],
        storageReachable: false,
        isLeader: true,
      };
      const { status, body } = await getJson(s.base + path);
      expect(status).toBe(503);
      expect(body).toMatchObject({
        status: "error",
        error: "not ready: watches have not synced yet; lock storage is unreachable",
        data: { ready: false },
      });
    });
  }

  it("/readyz ignores leadership by default", async () => {
    const s = await start();
    s.snapshot.readiness = {
      watchesSynced: true,
      lostWatches: [],
      storageReachable: true,
      isLeader: false,
    };
    expect((await fetch(`${s.base}/readyz`)).status).toBe(200);
  });

  it("/readyz with readyOnlyWhenLeader is ready on the leader only", async () => {
    const s = await start({ readyOnlyWhenLeader: true });
    expect((await fetch(`${s.base}/readyz`)).status).toBe(200);
    s.snapshot.readiness = {
      watchesSynced: true,
      lostWatches: [],
      storageReachable: true,
      isLeader: false,
    };
    const { status, body } = await getJson(`${s.base}/readyz`);
    expect(status).toBe(503);
    expect(body.error).toBe("not ready: not the leader (readyOnlyWhenLeader is set)");
  });

  it("/readyz is 503 when the runtime cannot report status", async () => {
    const s = await start({ failing: true });
    const { status, body } = await getJson(`${s.base}/readyz`);
    expect(status).toBe(503);
    expect(body.error).toBe("not ready: status unavailable: runtime not started");
  });
});

describe("/metrics", () => {
  it("serves the registry's text with its content type", async () => {
    const registry = new Registry();
    new Counter({ name: "k8_highlander_probe_total", help: "test", registers: [registry] }).inc(3);
    const s = await start({ metricsRegistry: registry });
    const res = await fetch(`${s.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(registry.contentType);
    expect(await res.text()).toContain("k8_highlander_probe_total 3");
  });

  it("uses prom-client's default registry when none is given", async () => {
    const { register } = await import("prom-client");
    const s = await start();
    const res = await fetch(`${s.base}/metrics`);
    expect(res.headers.get("content-type")).toBe(register.contentType);
  });
});

describe("dashboard", () => {
  it("serves the page with a strict content security policy", async () => {
    const s = await start();
    const res = await fetch(`${s.base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    expect(await res.text()).toBe(DASHBOARD_HTML);
  });
});

describe("lifecycle", () => {
  it("listen resolves with the bound port; a taken port rejects", async () => {
    const s = await start();
    const port = Number(new URL(s.base).port);
    expect(port).toBeGreaterThan(0);
    const clash = createHttpServer({
      port,
      host: "127.0.0.1",
      source: { snapshot: sampleSnapshot },
      logger,
    });
    await expect(clash.listen()).rejects.toThrow(/EADDRINUSE/);
  });

  it("close stops the server even with keep-alive connections open", async () => {
    const server = createHttpServer({
      port: 0,
      host: "127.0.0.1",
      source: { snapshot: sampleSnapshot },
      logger,
    });
    const port = await server.listen();
    await fetch(`http://127.0.0.1:${port}/healthz`);
    await server.close();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    await server.close(); // a second close is harmless
  });
});
