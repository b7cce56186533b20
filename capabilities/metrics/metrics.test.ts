import { Registry, register } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  countWorkloadError,
  countWorkloadOperation,
  countWorkqueueRetry,
  defineCounter,
  defineGauge,
  forgetWorkload,
  observeWorkloadDuration,
  recordReconcile,
  registerOperatorMetrics,
  setClusterHealth,
  setWorkloadActive,
  setWorkqueueDepth,
  type WorkloadRef,
} from "./index";

const worker: WorkloadRef = { type: "process", name: "worker", namespace: "team-a" };

async function text(registry: Registry): Promise<string> {
  return registry.metrics();
}

describe("registration", () => {
  it("defines every metric name the brief and the predecessor list", async () => {
    const registry = new Registry();
    registerOperatorMetrics(registry);
    const names = (await registry.getMetricsAsJSON()).map(m => m.name);
    for (const name of [
      "workload_status",
      "workload_operations_total",
      "workload_errors_total",
      "workload_startup_duration_seconds",
      "workload_shutdown_duration_seconds",
      "cluster_health",
      "process_status",
      "service_status",
      "persistent_status",
      "cronjob_status",
      "reconcile_total",
      "reconcile_duration_seconds",
      "workqueue_depth",
      "workqueue_retries_total",
    ]) {
      expect(names).toContain(`k8_highlander_${name}`);
    }
    expect(names).toContain("process_cpu_user_seconds_total");
    expect(names).toContain("nodejs_eventloop_lag_seconds");
  });

  it("does not throw when everything is registered twice", () => {
    const registry = new Registry();
    registerOperatorMetrics(registry);
    expect(() => registerOperatorMetrics(registry)).not.toThrow();
  });

  it("returns the same metric object on redefinition", () => {
    const registry = new Registry();
    const a = defineCounter({ name: "k8_highlander_test_total", help: "h" }, registry);
    const b = defineCounter({ name: "k8_highlander_test_total", help: "h" }, registry);
    expect(b).toBe(a);
  });

  it("refuses a name already registered as another type", () => {
    const registry = new Registry();
    defineCounter({ name: "k8_highlander_clash", help: "h" }, registry);
    expect(() => defineGauge({ name: "k8_highlander_clash", help: "h" }, registry)).toThrow(
      /different type/,
    );
  });

  it("uses prom-client's default registry when none is given", () => {
    registerOperatorMetrics();
    expect(register.getSingleMetric("k8_highlander_workload_status")).toBeDefined();
    expect(() => registerOperatorMetrics()).not.toThrow();
  });
});

describe("workload metrics", () => {
  it("sets workload_status and the per-type gauge together", async () => {
    const registry = new Registry();
    setWorkloadActive(worker, true, registry);
    setWorkloadActive({ type: "cronjob", name: "nightly", namespace: "ops" }, false, registry);
    const out = await text(registry);
    expect(out).toContain(
      'k8_highlander_workload_status{type="process",name="worker",namespace="team-a"} 1',
    );
    expect(out).toContain('k8_highlander_process_status{name="worker",namespace="team-a"} 1');
    expect(out).toContain('k8_highlander_cronjob_status{name="nightly",namespace="ops"} 0');
  });

  it("forgets a deleted workload's series", async () => {
    const registry = new Registry();
    setWorkloadActive(worker, true, registry);
    forgetWorkload(worker, registry);
    const out = await text(registry);
    expect(out).not.toContain('name="worker"');
  });

  it("counts operations and errors with the predecessor's labels", async () => {
    const registry = new Registry();
    countWorkloadOperation(worker, "start", registry);
    countWorkloadOperation(worker, "start", registry);
    countWorkloadError(worker, "timeout", registry);
    const out = await text(registry);
    expect(out).toContain(
      'k8_highlander_workload_operations_total{type="process",name="worker",operation="start"} 2',
    );
    expect(out).toContain(
      'k8_highlander_workload_errors_total{type="process",name="worker",error_type="timeout"} 1',
    );
  });

  it("observes startup and shutdown durations", async () => {
    const registry = new Registry();
    observeWorkloadDuration(worker, "startup", 1.5, registry);
    observeWorkloadDuration(worker, "shutdown", 0.2, registry);
    const out = await text(registry);
    expect(out).toContain(
      'k8_highlander_workload_startup_duration_seconds_count{type="process",name="worker"} 1',
    );
    expect(out).toContain(
      'k8_highlander_workload_shutdown_duration_seconds_sum{type="process",name="worker"} 0.2',
    );
  });
});

describe("controller metrics", () => {
  it("records reconciles, queue depth, retries and cluster health", async () => {
    const registry = new Registry();
    recordReconcile("WorkloadService", "success", 0.03, registry);
    recordReconcile("WorkloadService", "error", 0.5, registry);
    setWorkqueueDepth(7, registry);
    countWorkqueueRetry(registry);
    setClusterHealth("primary", true, registry);
    const out = await text(registry);
    expect(out).toContain(
      'k8_highlander_reconcile_total{kind="WorkloadService",result="success"} 1',
    );
    expect(out).toContain('k8_highlander_reconcile_total{kind="WorkloadService",result="error"} 1');
    expect(out).toContain(
      'k8_highlander_reconcile_duration_seconds_count{kind="WorkloadService"} 2',
    );
    expect(out).toContain("k8_highlander_workqueue_depth 7");
    expect(out).toContain("k8_highlander_workqueue_retries_total 1");
    expect(out).toContain('k8_highlander_cluster_health{cluster="primary"} 1');
  });
});
