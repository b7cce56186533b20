// Keeps docs/compatibility.md true: every row is checked against the registries in the code, and every
// variable and metric of the predecessor (k8-highlander c0e9602) must have a row.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { register } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  CONFIG_FILE_ENV,
  CONFIG_FILE_FLAG,
  CONFIG_KEYS,
  PREDECESSOR_CONFIG_FILE_ENV,
  UNSUPPORTED_ENV,
  keyByPath,
} from "../config/keys";
import { parseWorkloads } from "../config/workloads";
import { failure, success } from "../http/envelope";
import { matchRoute } from "../http/routes";
import { registerOperatorMetrics } from "../metrics";
import { specFromConfigEntry } from "../runtime/config-workloads";
import { PREDECESSOR_POD_LABELS } from "../workloads/controllers/common/pod-template";
import { processPodName } from "../workloads/kinds/process/build-pod";
import { WORKLOAD_TYPES } from "../workloads/crd/kinds";
import { buildCrd } from "../workloads/crd/schema/crd-manifests";
import type { JSONSchema } from "../workloads/crd/schema/json-schema";
import { createTableSql } from "../../storage/backends/postgres";
import { SPANNER_TABLE_DDL } from "../../storage/backends/spanner";
import "../../storage/metrics";
import { lockKeyFor } from "../../storage/types";

const STATUSES = ["kept", "improved", "renamed", "warned", "differs", "dropped"] as const;
type Status = (typeof STATUSES)[number];

interface Row {
  surface: string;
  cell: string;
  name: string;
  status: Status;
  notes: string;
}

function firstCode(text: string): string | undefined {
  return /`([^`]+)`/.exec(text)?.[1];
}

function rows(): Row[] {
  const text = readFileSync(join(import.meta.dirname, "../../docs/compatibility.md"), "utf8");
  const out: Row[] = [];
  for (const line of text.split("\n")) {
    const cells = line.split("|").map(c => c.trim());
    if (cells.length !== 6 || cells[1] === "Surface" || /^-+$/.test(cells[1] ?? "")) continue;
    const [, surface = "", cell = "", status = "", notes = ""] = cells;
    expect(STATUSES, `status of ${cell}`).toContain(status);
    out.push({ surface, cell, name: firstCode(cell) ?? cell, status: status as Status, notes });
  }
  return out;
}

// The predecessor's variables: every HIGHLANDER_* its repository mentions (code, README, Dockerfile).
const PREDECESSOR_ENV = [
  "HIGHLANDER_CLUSTER_NAME",
  "HIGHLANDER_CONFIG_FILE",
  "HIGHLANDER_DATABASE_URL",
  "HIGHLANDER_ID",
  "HIGHLANDER_KUBECONFIG",
  "HIGHLANDER_LEADER_LOCK_TTL",
  "HIGHLANDER_LEADER_RENEW_INTERVAL",
  "HIGHLANDER_LOG_FORMAT",
  "HIGHLANDER_LOG_LEVEL",
  "HIGHLANDER_METRICS_PATH",
  "HIGHLANDER_METRICS_PORT",
  "HIGHLANDER_NAMESPACE",
  "HIGHLANDER_PORT",
  "HIGHLANDER_REDIS_ADDR",
  "HIGHLANDER_REDIS_DB",
  "HIGHLANDER_REDIS_PASSWORD",
  "HIGHLANDER_REMAINS_FOLLOWER",
  "HIGHLANDER_SPANNER_DATABASE_ID",
  "HIGHLANDER_SPANNER_INSTANCE_ID",
  "HIGHLANDER_SPANNER_PROJECT_ID",
  "HIGHLANDER_STORAGE_TYPE",
  "HIGHLANDER_TENANT",
  "HIGHLANDER_TEST_MODE",
];

// Its metrics: every name in pkg/monitoring/monitoring.go, plus redis_operations_total (README).
const PREDECESSOR_METRICS = [
  "cluster_health",
  "cluster_priority",
  "cluster_transitions_total",
  "controller_state",
  "cronjob_status",
  "db_errors_total",
  "db_latency_seconds",
  "db_lock_ttl_seconds",
  "db_operations_total",
  "failover_duration_seconds",
  "failover_errors_total",
  "failover_total",
  "goroutine_count",
  "is_leader",
  "last_leader_transition_timestamp_seconds",
  "leadership_acquisitions_total",
  "leadership_duration_seconds",
  "leadership_failed_attempts_total",
  "leadership_losses_total",
  "leadership_transitions_total",
  "memory_usage_bytes",
  "persistent_status",
  "process_status",
  "redis_operations_total",
  "service_status",
  "system_load",
  "workload_errors_total",
  "workload_operations_total",
  "workload_retry_attempts_total",
  "workload_retry_success_total",
  "workload_shutdown_duration_seconds",
  "workload_startup_duration_seconds",
  "workload_status",
];

const present = (status: Status) => status !== "dropped";

function schemaHas(schema: JSONSchema | undefined, path: string[]): boolean {
  if (path.length === 0) return schema !== undefined;
  if (schema === undefined) return false;
  const [head = "", ...rest] = path;
  const next = schema.properties?.[head] ?? schema.items?.properties?.[head];
  return schemaHas(next, rest);
}

describe("docs/compatibility.md", () => {
  const table = rows();
  registerOperatorMetrics();
  const metricNames = new Set(
    register.getMetricsAsArray().map(m => (m as unknown as { name: string }).name),
  );
  const envNames = new Set([
    ...CONFIG_KEYS.flatMap(k => k.env),
    CONFIG_FILE_ENV,
    PREDECESSOR_CONFIG_FILE_ENV,
  ]);

  it("has rows, each with a known status", () => {
    expect(table.length).toBeGreaterThan(100);
  });

  it("lists every variable and metric of the predecessor", () => {
    const names = new Set(table.map(r => r.name));
    for (const env of PREDECESSOR_ENV) expect(names.has(env), env).toBe(true);
    for (const metric of PREDECESSOR_METRICS) expect(names.has(metric), metric).toBe(true);
  });

  it("env: kept/improved ones are read, warned ones warn, dropped ones are neither", () => {
    for (const r of table.filter(row => row.surface === "env")) {
      const read = envNames.has(r.name);
      const warned = r.name in UNSUPPORTED_ENV;
      if (r.status === "warned") expect(warned, r.name).toBe(true);
      else if (r.status === "dropped") expect(read || warned, r.name).toBe(false);
      else expect(read, r.name).toBe(true);
    }
  });

  it("config: every key is in the key table or the workloads lists; conflicting pairs warn", () => {
    for (const r of table.filter(row => row.surface === "config")) {
      if (r.cell.includes("+")) {
        const warnings: string[] = [];
        const entry = r.cell.includes("script")
          ? { image: "x", script: { commands: ["true"] }, command: ["a"] }
          : { image: "x", gracePeriod: "5s", terminationGracePeriod: "10s" };
        specFromConfigEntry(entry, warnings);
        expect(warnings, r.cell).toHaveLength(1);
      } else if (r.name.startsWith("workloads.")) {
        const list = r.name.slice("workloads.".length);
        expect(parseWorkloads({ [list]: [] }, "default").warnings, r.name).toEqual([]);
      } else {
        expect(keyByPath(r.name), r.name).toBeDefined();
      }
    }
  });

  it("flag: every flag is ours", () => {
    const flags = new Set([...CONFIG_KEYS.map(k => k.flag), CONFIG_FILE_FLAG, "--version"]);
    for (const r of table.filter(row => row.surface === "flag")) {
      expect(flags.has(r.name), r.name).toBe(true);
      for (const more of r.notes.match(/--[a-z-]+/g) ?? [])
        expect(flags.has(more), more).toBe(true);
    }
  });

  it("endpoint: every path is routed; the envelope has its keys", () => {
    for (const r of table.filter(row => row.surface === "endpoint")) {
      const path = r.name.replace(/\{[^}]+\}/g, "x");
      expect(matchRoute("GET", path).kind, path).toBe(present(r.status) ? "route" : "not-found");
    }
    expect(Object.keys(success(1))).toEqual(expect.arrayContaining(["status", "data"]));
    expect(failure("e")).toMatchObject({ status: "error", error: "e" });
  });

  it("metric: kept ones are registered under their name, renamed ones under the new one", () => {
    for (const r of table.filter(row => row.surface === "metric")) {
      const name = `k8_highlander_${r.name}`;
      if (r.status === "renamed") {
        const now = firstCode(r.notes);
        expect(now, `${r.name}: the note names the new metric`).toBeDefined();
        expect(metricNames.has(`k8_highlander_${now}`), now).toBe(true);
        expect(metricNames.has(name), `${name} is not renamed after all`).toBe(false);
      } else {
        expect(metricNames.has(name), name).toBe(present(r.status));
      }
    }
  });

  it("crd-field: every field is in the schema of some kind", () => {
    const specs = WORKLOAD_TYPES.map(
      t => buildCrd(t).spec.versions[0]?.schema.openAPIV3Schema.properties?.spec,
    );
    for (const r of table.filter(row => row.surface === "crd-field")) {
      const path = r.name.split(".");
      expect(
        specs.some(s => schemaHas(s, path)),
        r.name,
      ).toBe(present(r.status));
    }
  });

  it("label, pod-name and lock: as the code writes them", () => {
    const labels = PREDECESSOR_POD_LABELS("x");
    for (const r of table.filter(row => row.surface === "label")) {
      expect(r.name in labels, r.name).toBe(present(r.status));
    }
    const pod = { metadata: { name: "x" }, spec: { image: "i", predecessorNames: true } };
    expect(processPodName(pod)).toBe("x-pod");
    for (const r of table.filter(row => row.surface === "lock")) {
      if (r.name.startsWith("highlander-leader-lock:")) expect(lockKeyFor("<tenant>")).toBe(r.name);
      else if (r.name === "leader_locks") expect(createTableSql("leader_locks")).toContain(r.name);
      else expect(SPANNER_TABLE_DDL).toContain(`CREATE TABLE ${r.name} (`);
    }
  });
});
