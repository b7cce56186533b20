// What a modern controller exposes beyond the predecessor's names: reconcile outcomes and latency, and
// controller-runtime's work-queue series (depth, adds, retries, how long a key waits, how long handling
// takes, the longest handler still running); plus the predecessor's controller and cluster series.
import { register, type Counter, type Gauge, type Histogram, type Registry } from "prom-client";
import { METRIC_PREFIX, defineCounter, defineGauge, defineHistogram } from "./define";

type ReconcileResult = "success" | "error" | "requeue" | "skipped";

/** The manager's modes (capabilities/runtime/leadership.ts), the `state` label of controller_state. */
const CONTROLLER_STATES = ["active", "standby-cluster", "idle"] as const;
type ControllerState = (typeof CONTROLLER_STATES)[number];

interface ControllerMetrics {
  reconcileTotal: Counter<"kind" | "result">;
  reconcileDuration: Histogram<"kind">;
  workqueueDepth: Gauge;
  workqueueAdds: Counter;
  workqueueRetries: Counter;
  workqueueQueueDuration: Histogram;
  workqueueWorkDuration: Histogram;
  workqueueLongestRunning: Gauge;
  clusterHealth: Gauge<"cluster">;
  clusterPriority: Gauge<"cluster">;
  clusterTransitions: Counter<"from_cluster" | "to_cluster">;
  controllerState: Gauge<"state">;
}

// controller-runtime's buckets for queue and work durations: 1 µs to 1000 s, by 10.
const QUEUE_BUCKETS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100, 1000];

/** How the longest-running-processor gauge learns its value at scrape time (the operator's queue). */
let longestRunningSeconds: () => number = () => 0;

export function reportLongestRunning(source: () => number): void {
  longestRunningSeconds = source;
}

export function controllerMetrics(registry: Registry = register): ControllerMetrics {
  const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    defineGauge<L>({ name: `${METRIC_PREFIX}${name}`, help, labelNames }, registry);
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    defineCounter<L>({ name: `${METRIC_PREFIX}${name}`, help, labelNames }, registry);
  return {
    reconcileTotal: counter(
      "reconcile_total",
      "Reconciles finished, by custom-resource kind and result",
      ["kind", "result"],
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
    workqueueDepth: gauge("workqueue_depth", "Items waiting in the work queue"),
    workqueueAdds: counter(
      "workqueue_adds_total",
      "Keys added to the work queue (merged duplicates not counted)",
    ),
    workqueueRetries: counter(
      "workqueue_retries_total",
      "Items put back on the work queue after a failed reconcile",
    ),
    workqueueQueueDuration: defineHistogram(
      {
        name: `${METRIC_PREFIX}workqueue_queue_duration_seconds`,
        help: "How long a key waited in the work queue before a worker took it",
        buckets: QUEUE_BUCKETS,
      },
      registry,
    ),
    workqueueWorkDuration: defineHistogram(
      {
        name: `${METRIC_PREFIX}workqueue_work_duration_seconds`,
        help: "How long handling one key from the work queue took",
        buckets: QUEUE_BUCKETS,
      },
      registry,
    ),
    workqueueLongestRunning: defineGauge(
      {
        name: `${METRIC_PREFIX}workqueue_longest_running_processor_seconds`,
        help: "How long the longest-running work-queue handler has been running (0 when none runs)",
        collect() {
          this.set(longestRunningSeconds());
        },
      },
      registry,
    ),
    clusterHealth: gauge(
      "cluster_health",
      "Health of the Kubernetes cluster this instance uses (1=healthy, 0=unhealthy)",
      ["cluster"],
    ),
    clusterPriority: gauge(
      "cluster_priority",
      "Priority of this instance's cluster for leadership, lower is preferred: 0 for a candidate, 1 for an observer (remainsFollower), which never leads",
      ["cluster"],
    ),
    clusterTransitions: counter(
      "cluster_transitions_total",
      "Changes of the leader's cluster this instance observed",
      ["from_cluster", "to_cluster"],
    ),
    controllerState: gauge(
      "controller_state",
      "1 for the mode this instance's controller is in (active, standby-cluster, idle), 0 for the others",
      ["state"],
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

export function countWorkqueueAdd(registry?: Registry): void {
  controllerMetrics(registry).workqueueAdds.inc();
}

export function countWorkqueueRetry(registry?: Registry): void {
  controllerMetrics(registry).workqueueRetries.inc();
}

export function observeQueueWait(seconds: number, registry?: Registry): void {
  controllerMetrics(registry).workqueueQueueDuration.observe(seconds);
}

export function observeWork(seconds: number, registry?: Registry): void {
  controllerMetrics(registry).workqueueWorkDuration.observe(seconds);
}

export function setClusterHealth(cluster: string, healthy: boolean, registry?: Registry): void {
  controllerMetrics(registry).clusterHealth.set({ cluster }, healthy ? 1 : 0);
}

export function setClusterPriority(cluster: string, observer: boolean, registry?: Registry): void {
  controllerMetrics(registry).clusterPriority.set({ cluster }, observer ? 1 : 0);
}

/** Counts a change of the leader's cluster; nothing when it stayed or nobody led before. */
export function countClusterTransition(
  from: string | undefined,
  to: string | undefined,
  registry?: Registry,
): void {
  if (!from || !to || from === to) return;
  controllerMetrics(registry).clusterTransitions.inc({ from_cluster: from, to_cluster: to });
}

/** Sets the one-hot controller_state: every state has a series from the first call. */
export function setControllerState(state: ControllerState, registry?: Registry): void {
  const gauge = controllerMetrics(registry).controllerState;
  for (const s of CONTROLLER_STATES) gauge.set({ state: s }, s === state ? 1 : 0);
}
