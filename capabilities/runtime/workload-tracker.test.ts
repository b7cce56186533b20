// The tracker feeds the workload metrics (default registry) from what it observes.
import { register } from "prom-client";
import { describe, expect, it } from "vitest";
import { WorkloadTracker, type TrackedWorkload } from "./workload-tracker";

const svc = (ready: boolean, active: boolean, deleting = false): TrackedWorkload => ({
  kind: "WorkloadService",
  metadata: {
    name: "tracked-web",
    namespace: "shop",
    ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
  },
  status: {
    active,
    conditions: [
      {
        type: "Ready",
        status: ready ? "True" : "False",
        reason: "r",
        message: "m",
        lastTransitionTime: "2026-01-01T00:00:00Z",
      },
    ],
  },
});

async function value(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = register.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return values.find(v => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
}

describe("WorkloadTracker metrics", () => {
  it("sets the ready gauge, counts start/stop/delete and forgets the workload", async () => {
    const ref = { type: "service", name: "tracked-web" };
    const tracker = new WorkloadTracker();
    tracker.update(svc(false, false));
    expect(await value("k8_highlander_workload_ready", ref)).toBe(0);
    tracker.update(svc(true, true));
    expect(await value("k8_highlander_workload_ready", ref)).toBe(1);
    tracker.update(svc(true, true, true));
    tracker.update(svc(false, false, true));
    tracker.remove({ kind: "WorkloadService", namespace: "shop", name: "tracked-web" });
    expect(await value("k8_highlander_workload_ready", ref)).toBeUndefined();
    for (const operation of ["start", "stop", "delete"]) {
      expect(await value("k8_highlander_workload_operations_total", { ...ref, operation })).toBe(1);
    }
    expect(
      (await register.getSingleMetric("k8_highlander_workload_shutdown_duration_seconds")?.get())
        ?.values.length,
    ).toBeGreaterThan(0);
  });
});
