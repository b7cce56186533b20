// The predecessor's response shapes, from its source (k8-highlander c0e9602), against ours:
//   /api/status data:    pkg/monitoring/monitoring.go, HealthStatus (JSON tags and Go types)
//   /api/workloads data: pkg/workloads/manager.go GetAllStatuses (map by manager name), each manager's
//                        GetStatus (pkg/workloads/*/..._manager.go: name, type, details key) and
//                        pkg/common/workloads.go WorkloadStatus
//   /api/pods items:     pkg/service/highlander_service.go PodInfo and formatDuration
import { afterAll, describe, expect, it } from "vitest";
import {
  GO_ZERO_TIME,
  managerStatus,
  podAge,
  predecessorDebugKeys,
  predecessorPodFields,
  predecessorStatusKeys,
  predecessorWorkloads,
  withPodDetails,
} from "./predecessor-views";
import { createHttpServer, type HttpServer } from "./server";
import { sampleSnapshot } from "./test-fixtures";
import type { PodDetails } from "./source";
import { podsView, statusView } from "./views";

type JsonType = "string" | "number" | "boolean" | "object";

// HealthStatus: every JSON key with the JSON type its Go field encodes to (time.Time → string,
// time.Duration and int → number, map → object). lastError is omitempty.
const HEALTH_STATUS: Record<string, JsonType> = {
  isLeader: "boolean",
  leaderSince: "string",
  lastLeaderTransition: "string",
  uptime: "number",
  leaderID: "string",
  clusterName: "string",
  clusterHealth: "boolean",
  dbConnected: "boolean",
  storageType: "string",
  controllerState: "string",
  workloadStatus: "object",
  readyForTraffic: "boolean",
  version: "string",
  buildInfo: "string",
  failoverCount: "number",
  leadershipTransitions: "number",
  currentLeader: "string",
  lastLeader: "string",
  lastLeadershipChangeReason: "string",
  dbFailureCount: "number",
};

// WorkloadStatus (lastError and details are omitempty).
const WORKLOAD_STATUS: Record<string, JsonType> = {
  name: "string",
  type: "string",
  active: "boolean",
  healthy: "boolean",
  lastTransition: "string",
};

// Its managers: key in the map = GetName(), `type`, and the key of the per-workload map in details.
const MANAGERS: [string, string, string][] = [
  ["processes", "processManager", "processes"],
  ["cronjobs", "cronjobManager", "cronJobs"],
  ["service", "serviceManager", "service"],
  ["persistent", "persistentManager", "persistent"],
];

// PodInfo.
const POD_INFO: Record<string, JsonType> = {
  name: "string",
  namespace: "string",
  status: "string",
  node: "string",
  age: "string",
  createdAt: "string",
  controllerId: "string",
  clusterName: "string",
  labels: "object",
  annotations: "object",
};

function typeOf(value: unknown): JsonType | "null" | "undefined" {
  if (value === null) return "null";
  return typeof value as JsonType;
}

function expectShape(obj: Record<string, unknown>, shape: Record<string, JsonType>, what: string) {
  for (const [key, type] of Object.entries(shape))
    expect(typeOf(obj[key]), `${what}.${key}`).toBe(type);
}

const NOW = new Date("2025-01-01T10:00:09Z");
const STARTED = new Date("2025-01-01T09:59:59Z");

describe("/api/status: the predecessor's HealthStatus keys beside ours", () => {
  const snapshot = sampleSnapshot();
  const view = statusView(snapshot, false, NOW);
  const data = {
    ...predecessorStatusKeys(snapshot, {
      now: NOW,
      startedAt: STARTED,
      ready: true,
      version: "1.2.3",
    }),
    ...view,
  } as Record<string, unknown>;

  it("has every key with its JSON type", () => {
    expectShape(data, HEALTH_STATUS, "status");
  });

  it("values come from our snapshot", () => {
    expect(data).toMatchObject({
      uptime: 10_000_000_000, // 10 s as a Go Duration
      clusterName: "primary",
      storageType: snapshot.storage.type,
      currentLeader: "pod-a",
      lastLeader: "pod-b",
      leaderSince: "2025-01-01T10:00:00.000Z",
      version: "1.2.3",
      failoverCount: 1,
      // Its map by workload type, then name (recorded/api-status.json).
      workloadStatus: {
        process: { worker: { active: true, namespace: "team-a" } },
        cronjob: { worker: { active: false, namespace: "team-b" } },
        service: { api: { active: true, namespace: "team-a" } },
        persistent: {},
      },
    });
    // The storage error is masked here too.
    expect(JSON.stringify(data)).not.toContain("hunter2");
  });
});

describe("/debug/status: its DebugInfo keys", () => {
  it("are ours in its units: uptime in ns, its port as a string, Node's memory", () => {
    const keys = predecessorDebugKeys(
      { isLeader: true },
      {
        now: NOW,
        startedAt: STARTED,
        port: 8080,
        storageAddress: "redis:6379",
        activeResources: 12,
        memory: { heapUsed: 100, rss: 300 },
      },
    );
    expect(keys).toEqual({
      healthStatus: { isLeader: true },
      uptime: 10_000_000_000,
      startTime: STARTED.toISOString(),
      goroutineCount: 12,
      memoryStats: { alloc: 100, sys: 300 },
      serverInfo: { dbInfo: "redis:6379", port: "8080" },
    });
  });
});

describe("/api/workloads?shape=k8-highlander and /api/workloads/{manager}", () => {
  const workloads = sampleSnapshot().workloads;
  const data = predecessorWorkloads(workloads) as unknown as Record<
    string,
    Record<string, unknown>
  >;

  it("is a map of its four managers, each a WorkloadStatus with its workloads in details", () => {
    expect(Object.keys(data).sort()).toEqual(MANAGERS.map(m => m[0]).sort());
    for (const [key, type, detailsKey] of MANAGERS) {
      const manager = data[key]!;
      expectShape(manager, WORKLOAD_STATUS, key);
      expect(manager.name).toBe(key);
      expect(manager.type).toBe(type);
      const inner = (manager.details as Record<string, Record<string, Record<string, unknown>>>)[
        detailsKey
      ];
      expect(typeOf(inner), `${key}.details.${detailsKey}`).toBe("object");
      for (const [name, status] of Object.entries(inner ?? {}))
        expectShape(status, WORKLOAD_STATUS, name);
    }
  });

  it("a manager is unhealthy with its workload's error, as its managers did", () => {
    expect(managerStatus(workloads, "service")).toMatchObject({
      healthy: false,
      lastError: "api is unhealthy: readiness probe failed",
    });
    expect(managerStatus(workloads, "processes").details).toMatchObject({
      processes: { worker: { type: "process", active: true, healthy: true } },
    });
    expect(managerStatus(workloads, "persistent").lastTransition).toBe(GO_ZERO_TIME);
  });
});

describe("/api/pods: its PodInfo fields", () => {
  it("has them with their JSON types, and its age format", () => {
    const snapshot = sampleSnapshot();
    const pod = {
      kind: "Pod",
      name: "p",
      status: "Running",
      node: "n1",
      createdAt: "2025-01-01T10:00:00Z",
    };
    const item = { ...predecessorPodFields(pod, snapshot, NOW), ...pod, namespace: "team-a" };
    expectShape(item, POD_INFO, "pod");
    expect(item).toMatchObject({
      node: "n1",
      age: "9s",
      controllerId: "pod-a",
      clusterName: "primary",
    });
    expect([9_000, 243_000, 7_500_000, 273_600_000].map(podAge)).toEqual([
      "9s",
      "4m3s",
      "2h5m",
      "3d4h",
    ]);
  });
});

describe("/api/pods: live pod details", () => {
  const live: PodDetails = {
    namespace: "team-a",
    name: "worker-abc",
    phase: "Running",
    node: "node-9",
    createdAt: "2025-01-01T10:00:01Z",
    labels: { app: "worker" },
    annotations: { note: "x" },
    workload: { kind: "WorkloadProcess", name: "worker" },
  };

  it("enrich our pods, and add our tenant's pods the status does not list", () => {
    const deploymentPod: PodDetails = {
      ...live,
      name: "api-5f6-q1",
      labels: {},
      workload: { kind: "WorkloadService", name: "api" },
    };
    const pods = withPodDetails(podsView(sampleSnapshot().workloads), [live, deploymentPod]);
    expect(pods.find(p => p.name === "worker-abc")).toMatchObject({
      status: "Running",
      node: "node-9",
      labels: { app: "worker" },
      annotations: { note: "x" },
      workload: { kind: "WorkloadProcess", name: "worker" },
    });
    expect(pods.find(p => p.name === "api-5f6-q1")).toMatchObject({
      kind: "Pod",
      namespace: "team-a",
      workload: { kind: "WorkloadService", name: "api" },
    });
    expect(pods.filter(p => p.name === "worker-abc")).toHaveLength(1);
  });

  it("are served by /api/pods in its PodInfo shape", async () => {
    const server = createHttpServer({
      port: 0,
      host: "127.0.0.1",
      source: { snapshot: () => sampleSnapshot(), pods: async () => [live] },
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    const base = `http://127.0.0.1:${await server.listen()}`;
    try {
      const body = (await (await fetch(`${base}/api/pods`)).json()) as {
        data: Record<string, unknown>[];
      };
      for (const item of body.data) expectShape(item, POD_INFO, `pod ${String(item.name)}`);
      expect(body.data.find(p => p.name === "worker-abc")).toMatchObject({
        labels: { app: "worker" },
        annotations: { note: "x" },
        node: "node-9",
      });
    } finally {
      await server.close();
    }
  });
});

describe("served by the HTTP server", () => {
  const servers: HttpServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(s => s.close()));
  });

  it("answers the predecessor's routes and shapes", async () => {
    const server = createHttpServer({
      port: 0,
      host: "127.0.0.1",
      source: { snapshot: () => sampleSnapshot() },
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      version: "9.9.9",
    });
    servers.push(server);
    const base = `http://127.0.0.1:${await server.listen()}`;
    const get = async (path: string) =>
      (await (await fetch(`${base}${path}`)).json()) as {
        status: string;
        data: Record<string, unknown>;
      };
    expect((await get("/api/workloads")).data).toBeInstanceOf(Array);
    const keyed = await get("/api/workloads?shape=k8-highlander");
    expect(Object.keys(keyed.data).sort()).toEqual([
      "cronjobs",
      "persistent",
      "processes",
      "service",
    ]);
    expect((await get("/api/workloads/processes")).data).toMatchObject({ name: "processes" });
    expect((await get("/api/workload-names?shape=k8-highlander")).data).toEqual([
      "processes",
      "cronjobs",
      "service",
      "persistent",
    ]);
    expect((await get("/api/workload-names")).data).toContain("api");
    // A workload of that name still wins; a plain name is still by name.
    expect((await get("/api/workloads/api")).data).toMatchObject({ kind: "WorkloadService" });
    const status = await get("/api/status");
    expect(status.status).toBe("success");
    expectShape(status.data, HEALTH_STATUS, "served status");
    expect(status.data.version).toBe("9.9.9");
  });

  it("answers its plain-text readiness under the switch or for Accept: text/plain", async () => {
    const snapshot = sampleSnapshot();
    const server = createHttpServer({
      port: 0,
      host: "127.0.0.1",
      source: { snapshot: () => snapshot },
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    servers.push(server);
    const base = `http://127.0.0.1:${await server.listen()}`;
    const text = { accept: "text/plain" };
    for (const path of ["/readyz", "/health"]) {
      const plain = await fetch(`${base}${path}`, { headers: text });
      expect(plain.status).toBe(200);
      expect(plain.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await plain.text()).toBe("ok");
      const switched = await fetch(`${base}${path}?shape=k8-highlander`);
      expect(await switched.text()).toBe("ok");
      // Ours stays the default.
      expect(await (await fetch(`${base}${path}`)).json()).toMatchObject({ status: "success" });
    }
    snapshot.readiness = { ...snapshot.readiness, storageReachable: false };
    const notReady = await fetch(`${base}/readyz`, { headers: text });
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toBe("not ready - lock storage is unreachable");
  });
});
