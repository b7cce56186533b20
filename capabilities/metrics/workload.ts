// Workload metrics, with the predecessor's names and labels (docs/metrics.md of k8-highlander):
// status gauges are 1 while this instance runs the workload as leader and 0 otherwise.
import { register, type Counter, type Gauge, type Histogram, type Registry } from "prom-client";
import {
  METRIC_PREFIX,
  defineCounter,
  defineGauge,
  defineHistogram,
  exponentialBuckets,
} from "./define";
import { WORKLOAD_TYPES, type WorkloadType } from "../workloads/crd/kinds";

export interface WorkloadRef {
  type: WorkloadType;
  name: string;
  namespace: string;
}

interface WorkloadMetrics {
  status: Gauge<"type" | "name" | "namespace">;
  ready: Gauge<"type" | "name" | "namespace">;
  retryAttempts: Counter<"type" | "name">;
  retrySuccess: Counter<"type" | "name">;
  operations: Counter<"type" | "name" | "operation">;
  errors: Counter<"type" | "name" | "error_type">;
  startupDuration: Histogram<"type" | "name">;
  shutdownDuration: Histogram<"type" | "name">;
  /** process_status, cronjob_status, service_status, persistent_status. */
  typeStatus: Record<WorkloadType, Gauge<"name" | "namespace">>;
}

// 0.1 s to about 51 s, as the predecessor used; starting a pod on a busy cluster fits in it.
const DURATION_BUCKETS = exponentialBuckets(0.1, 2, 10);

export function workloadMetrics(registry: Registry = register): WorkloadMetrics {
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
    defineGauge({ name: `${METRIC_PREFIX}${name}`, help, labelNames }, registry);
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    defineCounter({ name: `${METRIC_PREFIX}${name}`, help, labelNames }, registry);
  const duration = (name: string, help: string) =>
    defineHistogram(
      {
        name: `${METRIC_PREFIX}${name}`,
        help,
        labelNames: ["type", "name"],
        buckets: DURATION_BUCKETS,
      },
      registry,
    );
  const typeStatus = {} as Record<WorkloadType, Gauge<"name" | "namespace">>;
  for (const type of WORKLOAD_TYPES) {
    typeStatus[type] = gauge(
      `${type}_status`,
      `Status of managed ${type} workloads (1=active, 0=inactive)`,
      ["name", "namespace"],
    );
  }
  const workload = ["type", "name", "namespace"] as const;
  return {
    status: gauge("workload_status", "Status of managed workloads (1=active, 0=inactive)", [
      ...workload,
    ]),
    ready: gauge("workload_ready", "1 while the workload's Ready condition is True, else 0", [
      ...workload,
    ]),
    retryAttempts: counter(
      "workload_retry_attempts_total",
      "Reconciles of the workload scheduled again after a failure",
      ["type", "name"],
    ),
    retrySuccess: counter(
      "workload_retry_success_total",
      "Reconciles of the workload that succeeded after one or more failures",
      ["type", "name"],
    ),
    operations: counter(
      "workload_operations_total",
      "Operations performed on workloads (start, stop, update, ...)",
      ["type", "name", "operation"],
    ),
    errors: counter("workload_errors_total", "Errors encountered while managing workloads", [
      "type",
      "name",
      "error_type",
    ]),
    startupDuration: duration(
      "workload_startup_duration_seconds",
      "Time from starting a workload until it was running",
    ),
    shutdownDuration: duration(
      "workload_shutdown_duration_seconds",
      "Time from stopping a workload until its children were gone",
    ),
    typeStatus,
  };
}

/** Sets workload_status and the per-type gauge together, so they cannot disagree. */
export function setWorkloadActive(ref: WorkloadRef, active: boolean, registry?: Registry): void {
  const m = workloadMetrics(registry);
  const value = active ? 1 : 0;
  m.status.set({ type: ref.type, name: ref.name, namespace: ref.namespace }, value);
  m.typeStatus[ref.type].set({ name: ref.name, namespace: ref.namespace }, value);
}

export function setWorkloadReady(ref: WorkloadRef, ready: boolean, registry?: Registry): void {
  workloadMetrics(registry).ready.set(
    { type: ref.type, name: ref.name, namespace: ref.namespace },
    ready ? 1 : 0,
  );
}

/** Drops a deleted workload's series, so /metrics does not report workloads that no longer exist. */
export function forgetWorkload(ref: WorkloadRef, registry?: Registry): void {
  const m = workloadMetrics(registry);
  m.status.remove({ type: ref.type, name: ref.name, namespace: ref.namespace });
  m.ready.remove({ type: ref.type, name: ref.name, namespace: ref.namespace });
  m.typeStatus[ref.type].remove({ name: ref.name, namespace: ref.namespace });
}

export function countWorkloadOperation(
  ref: WorkloadRef,
  operation: string,
  registry?: Registry,
): void {
  workloadMetrics(registry).operations.inc({ type: ref.type, name: ref.name, operation });
}

export function countWorkloadError(ref: WorkloadRef, errorType: string, registry?: Registry): void {
  workloadMetrics(registry).errors.inc({ type: ref.type, name: ref.name, error_type: errorType });
}

/** workload_startup_duration_seconds or workload_shutdown_duration_seconds. */
export function observeWorkloadDuration(
  ref: WorkloadRef,
  phase: "startup" | "shutdown",
  seconds: number,
  registry?: Registry,
): void {
  const m = workloadMetrics(registry);
  const histogram = phase === "startup" ? m.startupDuration : m.shutdownDuration;
  histogram.observe({ type: ref.type, name: ref.name }, seconds);
}

export function countWorkloadRetry(ref: WorkloadRef, registry?: Registry): void {
  workloadMetrics(registry).retryAttempts.inc({ type: ref.type, name: ref.name });
}

export function countWorkloadRetrySuccess(ref: WorkloadRef, registry?: Registry): void {
  workloadMetrics(registry).retrySuccess.inc({ type: ref.type, name: ref.name });
}

/**
 * The error_type label of workload_errors_total, from what failed: the API server's HTTP status when
 * it refused (read structurally, so this module needs no Kubernetes client), else the message.
 */
export function workloadErrorType(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === "FenceRefusedError" || name === "FencedError") return "fenced";
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === "number") {
    if (status === 403) return "forbidden";
    if (status === 404) return "not_found";
    if (status === 409) return "conflict";
    if (status === 422) return "invalid";
    if (status >= 500) return "server_error";
    if (status >= 400) return "rejected";
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/timed? ?out/i.test(message)) return "timeout";
  if (/fenc/i.test(message)) return "fenced";
  return "unknown";
}
