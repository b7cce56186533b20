// Node process metrics (CPU, memory, event-loop lag, GC) under their standard unprefixed names, so
// stock Node.js dashboards work. collectDefaultMetrics throws if called twice on one registry.
import { collectDefaultMetrics, register, type Registry } from "prom-client";

/** A metric collectDefaultMetrics always defines; its presence means the call already happened. */
const SENTINEL = "process_cpu_user_seconds_total";

export function enableProcessMetrics(registry: Registry = register): void {
  if (registry.getSingleMetric(SENTINEL) !== undefined) return;
  collectDefaultMetrics({ register: registry });
}
