// Our predecessor-shape answers against the predecessor's real ones, recorded from k8-highlander
// c0e9602 (capabilities/compat/recorded/README.md): same keys and JSON types, recursively. Ours runs
// the real HTTP server over the sample snapshot; values differ, shapes must not.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { register } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer, type HttpServer } from "../http/server";
import type { PodDetails } from "../http/source";
import { sampleSnapshot } from "../http/test-fixtures";
import { registerOperatorMetrics } from "../metrics";
import "../../storage/metrics";
import { shapeDifferences, type ShapeRules } from "./json-shape";
import { metricFamilies } from "./metric-families";

const recorded = (file: string): string =>
  readFileSync(join(import.meta.dirname, "recorded", file), "utf8");

const LIVE_POD: PodDetails = {
  namespace: "team-a",
  name: "worker-abc",
  phase: "Running",
  node: "node-1",
  createdAt: "2025-01-01T10:00:05Z",
  labels: { app: "worker" },
  annotations: {},
  workload: { kind: "WorkloadProcess", name: "worker" },
};

/** The per-manager map of workloads, and each workload's state-dependent details. */
function managerRules(prefix: string, detailsKey: string): ShapeRules {
  return {
    maps: [`${prefix}.details.${detailsKey}`],
    open: [`${prefix}.details.${detailsKey}.*.details`],
  };
}

function merge(...rules: ShapeRules[]): ShapeRules {
  return {
    maps: rules.flatMap(r => r.maps ?? []),
    open: rules.flatMap(r => r.open ?? []),
  };
}

const MANAGERS: [string, string][] = [
  ["processes", "processes"],
  ["cronjobs", "cronJobs"],
  ["service", "service"],
  ["persistent", "persistent"],
];

const STATUS_RULES: ShapeRules = {
  maps: [
    "data.workloadStatus.process",
    "data.workloadStatus.cronjob",
    "data.workloadStatus.service",
    "data.workloadStatus.persistent",
  ],
};

// Recorded file, our path, and where its objects are keyed by data.
const CASES: [string, string, ShapeRules][] = [
  ["api-status.json", "/api/status", STATUS_RULES],
  ["api-status.json", "/status", STATUS_RULES],
  [
    "api-workloads.json",
    "/api/workloads?shape=k8-highlander",
    merge(...MANAGERS.map(([m, d]) => managerRules(`data.${m}`, d))),
  ],
  ...MANAGERS.map(([m, d]): [string, string, ShapeRules] => [
    `api-workloads-${m}.json`,
    `/api/workloads/${m}`,
    managerRules("data", d),
  ]),
  ["api-workload-names.json", "/api/workload-names", {}],
  ["api-pods.json", "/api/pods", { maps: ["data.[].labels", "data.[].annotations"] }],
  ["api-dbinfo.json", "/api/dbinfo", { maps: ["data.details"] }],
  [
    "debug-status.json",
    "/debug/status",
    {
      // memoryStats was a Go map; Node has no totalAlloc or numGC (predecessor-views.ts).
      maps: [
        ...(STATUS_RULES.maps ?? []).map(p => p.replace("data.", "data.healthStatus.")),
        "data.memoryStats",
      ],
    },
  ],
];

describe("our answers have the shapes of the predecessor's recorded ones", () => {
  let server: HttpServer;
  let base = "";
  beforeAll(async () => {
    server = createHttpServer({
      port: 0,
      host: "127.0.0.1",
      source: { snapshot: () => sampleSnapshot(), pods: async () => [LIVE_POD] },
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      version: "1.0.0",
    });
    base = `http://127.0.0.1:${await server.listen()}`;
  });
  afterAll(() => server.close());

  for (const [file, path, rules] of CASES) {
    it(`${path} like its ${file}`, async () => {
      const ours: unknown = await (await fetch(`${base}${path}`)).json();
      expect(shapeDifferences(ours, JSON.parse(recorded(file)), rules)).toEqual([]);
    });
  }

  it("/api/workload-names?shape=k8-highlander answers its very list", async () => {
    const ours: unknown = await (
      await fetch(`${base}/api/workload-names?shape=k8-highlander`)
    ).json();
    expect(ours).toEqual(JSON.parse(recorded("api-workload-names.json")));
  });

  it("/readyz and /healthz answer its text when asked for text", async () => {
    const text = { headers: { accept: "text/plain" } };
    const ready = await fetch(`${base}/readyz`, text);
    expect([ready.status, await ready.text()]).toEqual([200, recorded("readyz-ready.txt")]);
    expect(ready.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(recorded("readyz-not-ready.txt")).toMatch(/^not ready - /);
    const healthz = await fetch(`${base}/healthz`);
    expect([healthz.status, await healthz.text()]).toEqual([200, recorded("healthz.txt")]);
  });
});

describe("our metrics have its recorded families, types and labels", () => {
  registerOperatorMetrics();
  const ours = new Map(
    register
      .getMetricsAsArray()
      .map(m => m as unknown as { name: string; type: string; labelNames?: string[] })
      .map(m => [m.name, m] as const),
  );
  const theirs = metricFamilies(recorded("metrics.txt"));

  it("recorded enough to mean something", () => {
    expect(theirs.size).toBeGreaterThan(20);
  });

  for (const [name, family] of theirs) {
    it(name, () => {
      const mine = ours.get(name);
      expect(mine, `${name} is registered`).toBeDefined();
      expect(mine?.type, `${name} type`).toBe(family.type);
      expect(mine?.labelNames ?? [], `${name} labels`).toEqual(
        expect.arrayContaining([...family.labels]),
      );
    });
  }
});
