import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { renderMetrics } from "./exposition";
import {
  controllerMetrics,
  observeWorkloadDuration,
  setWorkloadActive,
  workloadMetrics,
  type WorkloadRef,
} from "./index";

/**
 * A registry with the workload and controller metrics (not the process ones, whose values move between
 * two renders) and `count` started workloads, and one with characters the format escapes.
 */
function registryWith(count: number): Registry {
  const registry = new Registry();
  workloadMetrics(registry);
  controllerMetrics(registry);
  for (let i = 0; i < count; i++) {
    const ref: WorkloadRef = { type: "process", name: `worker-${i}`, namespace: "team-a" };
    setWorkloadActive(ref, true, registry);
    observeWorkloadDuration(ref, "startup", (i % 70) / 10, registry);
  }
  const odd: WorkloadRef = { type: "service", name: 'quote"back\\slash\nline', namespace: "b" };
  setWorkloadActive(odd, false, registry);
  return registry;
}

describe("renderMetrics", () => {
  it("gives what prom-client's own render gives, for small and sliced families", async () => {
    // 3,000 workloads: the startup histogram has 39,000 values, so twenty slices.
    for (const count of [0, 1, 3_000]) {
      const registry = registryWith(count);
      const whole = await registry.metrics();
      expect(await renderMetrics(registry)).toBe(whole);
    }
  });

  it("lets the event loop take turns while it renders", async () => {
    const registry = registryWith(3_000);
    let turns = 0;
    let done = false;
    const turn = (): void => {
      turns++;
      if (!done) setImmediate(turn);
    };
    setImmediate(turn);
    await renderMetrics(registry);
    done = true;
    // One turn per family and per slice; prom-client's registry.metrics() allows none.
    expect(turns).toBeGreaterThan(20);
  });

  it("shares one render between scrapes that arrive during it, and starts afresh after", async () => {
    const registry = registryWith(10);
    const first = renderMetrics(registry);
    expect(renderMetrics(registry)).toBe(first);
    await first;
    setWorkloadActive({ type: "process", name: "late", namespace: "team-a" }, true, registry);
    expect(await renderMetrics(registry)).toContain('name="late"');
  });
});
