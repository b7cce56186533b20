// What a modern controller exposes beyond the predecessor's names: reconcile outcomes and latency,
// work-queue depth and retries, and the health of the cluster this instance talks to.
import { register, type Counter, type Gauge, type Histogram, type Registry } from "prom-client";
import { METRIC_PREFIX, defineCounter, defineGauge, defineHistogram } from "./define";

export type ReconcileResult = "success" | "error" | "requeue" | "skipped";

export interface ControllerMetrics {
  reconcileTotal: Counter<"kind" | "result">;
  reconcileDuration: Histogram<"kind">;
  workqueueDepth: Gauge;
  workqueueRetries: Counter;
  clusterHealth: Gauge<"cluster">;
}

export function controllerMetrics(registry: Registry = register): ControllerMetrics {
  return {
    reconcileTotal: defineCounter(
      {
        name: `${METRIC_PREFIX}reconcile_total`,
        help: "Reconciles finished, by custom-resource kind and result",
        labelNames: ["kind", "result"],
      },
      registry,
    ),
    reconcileDuration: defineHistogram(
      {
        name: `${METRIC_PREFIX}reconcile_duration_seconds`,
        help: "Time one reconcile took, by custom-resource kind",
        labelNames: ["kind"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      },
      registry,
    ),
    workqueueDepth: defineGauge(
      { name: `${METRIC_PREFIX}workqueue_depth`, help: "Items waiting in the work queue" },
      registry,
    ),
    workqueueRetries: defineCounter(
      {
        name: `${METRIC_PREFIX}workqueue_retries_total`,
        help: "Items put back on the work queue after a failed reconcile",
      },
      registry,
    ),
    clusterHealth: defineGauge(
      {
        name: `${METRIC_PREFIX}cluster_health`,
        help: "Health of the Kubernetes cluster this instance uses (1=healthy, 0=unhealthy)",
        labelNames: ["cluster"],
      },
      registry,
    ),
  };
}

export function recordReconcile(
  kind: string,
  result: ReconcileResult,
  seconds: number,
  registry?: Registry,
): void {
  const m = controllerMetrics(registry);
  m.reconcileTotal.inc({ kind, result });
  m.reconcileDuration.observe({ kind }, seconds);
}

export function setWorkqueueDepth(depth: number, registry?: Registry): void {
  controllerMetrics(registry).workqueueDepth.set(depth);
}

export function countWorkqueueRetry(registry?: Registry): void {
  controllerMetrics(registry).workqueueRetries.inc();
}

export function setClusterHealth(cluster: string, healthy: boolean, registry?: Registry): void {
  controllerMetrics(registry).clusterHealth.set({ cluster }, healthy ? 1 : 0);
}
