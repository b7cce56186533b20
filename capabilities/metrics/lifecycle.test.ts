import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { WorkloadLifecycle } from "./lifecycle";
import type { WorkloadRef } from "./workload";

const job: WorkloadRef = { type: "process", name: "job", namespace: "ops" };

describe("WorkloadLifecycle", () => {
  it("counts start, stop and delete and times startup and shutdown from observed status", async () => {
    const registry = new Registry();
    let now = 0;
    const life = new WorkloadLifecycle(() => now, registry);
    life.observe(job, false, false);
    now = 2500;
    life.observe(job, false, false);
    now = 4000;
    life.observe(job, true, false);
    now = 5000;
    life.observe(job, true, true);
    now = 5500;
    life.observe(job, false, true);
    now = 6500;
    life.removed(job);
    const out = await registry.metrics();
    for (const op of ["start", "stop", "delete"]) {
      expect(out).toContain(
        `k8_highlander_workload_operations_total{type="process",name="job",operation="${op}"} 1`,
      );
    }
    expect(out).toContain(
      'k8_highlander_workload_startup_duration_seconds_sum{type="process",name="job"} 4',
    );
    expect(out).toContain(
      'k8_highlander_workload_shutdown_duration_seconds_sum{type="process",name="job"} 1.5',
    );
  });

  it("counts nothing for a workload first seen active", async () => {
    const registry = new Registry();
    const life = new WorkloadLifecycle(() => 0, registry);
    life.observe(job, true, false);
    life.observe(job, true, false);
    expect(await registry.metrics()).not.toContain('name="job"');
  });
});
