// Public surface of the metrics capability. Leadership, failover and storage metrics live in
// storage/metrics.ts (owned by the storage engine); these are the workload and controller ones.
import { register, type Registry } from "prom-client";
import { clientMetrics } from "./client";
import { controllerMetrics } from "./controller";
import { enableProcessMetrics } from "./process";
import { workloadMetrics } from "./workload";

export { defineCounter, defineGauge } from "./define";
export * from "./workload";
export * from "./controller";
export { observeApiRequest } from "./client";
export { WorkloadLifecycle } from "./lifecycle";
export { recordBuildInfo } from "./process";
export { renderMetrics } from "./exposition";

/**
 * Defines every metric of this module and the process metrics, once, so /metrics lists the
 * label-less ones (with value 0) from the first scrape. Safe to call any number of times.
 */
export function registerOperatorMetrics(registry: Registry = register): void {
  workloadMetrics(registry);
  controllerMetrics(registry);
  clientMetrics(registry);
  enableProcessMetrics(registry);
}
