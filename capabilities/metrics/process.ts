// Node process metrics (CPU, memory, event-loop lag, GC) under their standard unprefixed names, so
// stock Node.js dashboards work; the predecessor's three system gauges, measured at scrape time; and
// highlander_build_info. collectDefaultMetrics throws if called twice on one registry.
import { loadavg } from "node:os";
import { collectDefaultMetrics, register, type Registry } from "prom-client";
import { METRIC_PREFIX, defineGauge } from "./define";

/** A metric collectDefaultMetrics always defines; its presence means the call already happened. */
const SENTINEL = "process_cpu_user_seconds_total";

export function enableProcessMetrics(registry: Registry = register): void {
  systemMetrics(registry);
  if (registry.getSingleMetric(SENTINEL) !== undefined) return;
  collectDefaultMetrics({ register: registry });
}

/** The predecessor's system gauges (it set them to constants; these are measured). */
function systemMetrics(registry: Registry): void {
  defineGauge(
    {
      name: `${METRIC_PREFIX}system_load`,
      help: "The host's 1-minute load average (os.loadavg)",
      collect() {
        this.set(loadavg()[0] ?? 0);
      },
    },
    registry,
  );
  defineGauge(
    {
      name: `${METRIC_PREFIX}memory_usage_bytes`,
      help: "Resident set size of this process (process.memoryUsage().rss)",
      collect() {
        this.set(process.memoryUsage().rss);
      },
    },
    registry,
  );
  defineGauge(
    {
      // Node has no goroutines: the nearest honest count is the resources keeping the event loop
      // busy (sockets, timers, pending requests), as process.getActiveResourcesInfo() lists them.
      name: `${METRIC_PREFIX}goroutine_count`,
      help: "Active event-loop resources (handles and requests) of this Node.js process: the predecessor's goroutine count, in Node terms",
      collect() {
        this.set(process.getActiveResourcesInfo().length);
      },
    },
    registry,
  );
}

export interface BuildInfo {
  version: string;
  tenant: string;
  cluster: string;
  storage: string;
}

/** highlander_build_info: always 1, its labels say what runs (the `<project>_build_info` convention). */
export function recordBuildInfo(info: BuildInfo, registry: Registry = register): void {
  const gauge = defineGauge(
    {
      name: "highlander_build_info",
      help: "Always 1; the labels give the Highlander version, the Node.js version, tenant, cluster and lock storage",
      labelNames: ["version", "node_version", "tenant", "cluster", "storage"],
    },
    registry,
  );
  gauge.reset();
  gauge.set({ ...info, node_version: process.version }, 1);
}
