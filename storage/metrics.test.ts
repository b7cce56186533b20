import { register } from "prom-client";
import { describe, expect, it, vi } from "vitest";

describe("metrics", () => {
  it("registers once even when the module is loaded again", async () => {
    const first = await import("./metrics");
    vi.resetModules();
    const second = await import("./metrics");
    expect(second.metrics.isLeader).toBe(first.metrics.isLeader);
    const names = (await register.getMetricsAsJSON()).map(m => m.name);
    for (const name of [
      "k8_highlander_is_leader",
      "k8_highlander_leader_epoch",
      "k8_highlander_fencing_rejections_total",
      "k8_highlander_db_latency_seconds",
      "k8_highlander_failover_duration_seconds",
      "k8_highlander_redis_operations_total",
    ]) {
      expect(names).toContain(name);
    }
  });
});
