// The lease service's own metrics, on prom-client's default registry next to storage's
// (db_operations_total etc., counted by the instrumented store). Labels are bounded: the
// operation and its outcome, never tenant or lease names (unbounded cardinality).
import { Counter, Histogram, register } from "prom-client";

const PREFIX = "k8_highlander_";

export type LeaseOperation = "acquire" | "renew" | "release" | "get" | "list";
export type LeaseResult =
  | "ok"
  | "conflict"
  | "not_found"
  | "bad_request"
  | "unauthorized"
  | "error";

function once<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(PREFIX + name) as T | undefined) ?? create();
}

export const leaseMetrics = {
  operations: once(
    "lease_operations_total",
    () =>
      new Counter<"operation" | "result">({
        name: `${PREFIX}lease_operations_total`,
        help: "Lease service requests by operation and result (ok, conflict, not_found, bad_request, unauthorized, error)",
        labelNames: ["operation", "result"],
      }),
  ),
  latency: once(
    "lease_operation_duration_seconds",
    () =>
      new Histogram<"operation">({
        name: `${PREFIX}lease_operation_duration_seconds`,
        help: "Time the lease service took to answer, by operation",
        labelNames: ["operation"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      }),
  ),
};

export function metricsText(): Promise<string> {
  return register.metrics();
}

export const METRICS_CONTENT_TYPE = register.contentType;
