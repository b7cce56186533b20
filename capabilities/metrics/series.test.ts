// The series added for issues 13 and 17: recorded by the functions the operator calls, with the
// predecessor's names, types and labels.
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  countClusterTransition,
  countWorkloadRetry,
  countWorkloadRetrySuccess,
  forgetWorkload,
  observeApiRequest,
  recordBuildInfo,
  registerOperatorMetrics,
  reportLongestRunning,
  setClusterPriority,
  setControllerState,
  setWorkloadReady,
  workloadErrorType,
  type WorkloadRef,
} from "./index";

const web: WorkloadRef = { type: "service", name: "web", namespace: "shop" };

async function typeOf(registry: Registry, name: string): Promise<string | undefined> {
  return (await registry.getMetricsAsJSON()).find(m => m.name === name)?.type as string | undefined;
}

describe("predecessor series", () => {
  it("exports each with the predecessor's type", async () => {
    const registry = new Registry();
    registerOperatorMetrics(registry);
    const expected: Record<string, string> = {
      k8_highlander_controller_state: "gauge",
      k8_highlander_goroutine_count: "gauge",
      k8_highlander_memory_usage_bytes: "gauge",
      k8_highlander_system_load: "gauge",
      k8_highlander_cluster_priority: "gauge",
      k8_highlander_cluster_transitions_total: "counter",
      k8_highlander_workload_retry_attempts_total: "counter",
      k8_highlander_workload_retry_success_total: "counter",
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(await typeOf(registry, name), name).toBe(type);
    }
  });

  it("measures memory, load and event-loop resources when scraped", async () => {
    const registry = new Registry();
    registerOperatorMetrics(registry);
    const json = await registry.getMetricsAsJSON();
    const value = (name: string) => json.find(m => m.name === name)?.values[0]?.value ?? NaN;
    expect(value("k8_highlander_memory_usage_bytes")).toBeGreaterThan(1024 * 1024);
    expect(value("k8_highlander_system_load")).toBeGreaterThanOrEqual(0);
    // At least the test runner's own IPC channel keeps the event loop busy.
    expect(value("k8_highlander_goroutine_count")).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(value("k8_highlander_goroutine_count"))).toBe(true);
  });

  it("controller_state is one-hot over every state", async () => {
    const registry = new Registry();
    setControllerState("idle", registry);
    setControllerState("active", registry);
    const out = await registry.metrics();
    expect(out).toContain('k8_highlander_controller_state{state="active"} 1');
    expect(out).toContain('k8_highlander_controller_state{state="idle"} 0');
    expect(out).toContain('k8_highlander_controller_state{state="standby-cluster"} 0');
  });

  it("counts leader-cluster changes only, and cluster priority follows the observer setting", async () => {
    const registry = new Registry();
    countClusterTransition(undefined, "east", registry);
    countClusterTransition("east", "east", registry);
    countClusterTransition("east", "west", registry);
    setClusterPriority("east", false, registry);
    setClusterPriority("obs", true, registry);
    const out = await registry.metrics();
    expect(out).toContain(
      'k8_highlander_cluster_transitions_total{from_cluster="east",to_cluster="west"} 1',
    );
    expect(out).not.toContain('from_cluster="east",to_cluster="east"');
    expect(out).toContain('k8_highlander_cluster_priority{cluster="east"} 0');
    expect(out).toContain('k8_highlander_cluster_priority{cluster="obs"} 1');
  });

  it("counts retries and retry successes per workload", async () => {
    const registry = new Registry();
    countWorkloadRetry(web, registry);
    countWorkloadRetry(web, registry);
    countWorkloadRetrySuccess(web, registry);
    const out = await registry.metrics();
    expect(out).toContain(
      'k8_highlander_workload_retry_attempts_total{type="service",name="web"} 2',
    );
    expect(out).toContain(
      'k8_highlander_workload_retry_success_total{type="service",name="web"} 1',
    );
  });
});

describe("issue 13 series", () => {
  it("keeps a per-workload ready gauge and forgets it with the workload", async () => {
    const registry = new Registry();
    setWorkloadReady(web, true, registry);
    expect(await registry.metrics()).toContain(
      'k8_highlander_workload_ready{type="service",name="web",namespace="shop"} 1',
    );
    forgetWorkload(web, registry);
    expect(await registry.metrics()).not.toContain('name="web"');
  });

  it("counts API requests by verb and code and times them", async () => {
    const registry = new Registry();
    observeApiRequest("PATCH", 200, 0.02, registry);
    observeApiRequest("PATCH", 422, 0.01, registry);
    observeApiRequest("GET", undefined, 30, registry);
    const out = await registry.metrics();
    expect(out).toContain('k8_highlander_rest_client_requests_total{verb="PATCH",code="200"} 1');
    expect(out).toContain('k8_highlander_rest_client_requests_total{verb="PATCH",code="422"} 1');
    expect(out).toContain('k8_highlander_rest_client_requests_total{verb="GET",code="<error>"} 1');
    expect(out).toContain(
      'k8_highlander_rest_client_request_duration_seconds_count{verb="PATCH"} 2',
    );
  });

  it("reads the longest-running handler at scrape time", async () => {
    const registry = new Registry();
    registerOperatorMetrics(registry);
    let seconds = 3;
    reportLongestRunning(() => seconds);
    expect(await registry.metrics()).toContain(
      "k8_highlander_workqueue_longest_running_processor_seconds 3",
    );
    seconds = 0;
    expect(await registry.metrics()).toContain(
      "k8_highlander_workqueue_longest_running_processor_seconds 0",
    );
  });

  it("labels highlander_build_info with the versions and where it runs", async () => {
    const registry = new Registry();
    recordBuildInfo({ version: "1.2.3", tenant: "t", cluster: "c", storage: "redis" }, registry);
    expect(await registry.metrics()).toContain(
      `highlander_build_info{version="1.2.3",tenant="t",cluster="c",storage="redis",node_version="${process.version}"} 1`,
    );
  });

  it("classifies workload errors by the API server's status or the failure", () => {
    const api = (status: number) => Object.assign(new Error("x"), { status });
    expect(workloadErrorType(api(422))).toBe("invalid");
    expect(workloadErrorType(api(403))).toBe("forbidden");
    expect(workloadErrorType(api(404))).toBe("not_found");
    expect(workloadErrorType(api(409))).toBe("conflict");
    expect(workloadErrorType(api(400))).toBe("rejected");
    expect(workloadErrorType(api(503))).toBe("server_error");
    expect(workloadErrorType(Object.assign(new Error("e"), { name: "FenceRefusedError" }))).toBe(
      "fenced",
    );
    expect(workloadErrorType(new Error("GET /x: timed out"))).toBe("timeout");
    expect(workloadErrorType("boom")).toBe("unknown");
  });
});
