import { modelToGroupVersionKind } from "kubernetes-fluent-client";
import { describe, expect, it } from "vitest";
import { registerWorkloadKinds, WORKLOAD_MODELS } from "./register";

describe("registerWorkloadKinds", () => {
  it("registers all four kinds on import and tolerates being called again", () => {
    expect(() => registerWorkloadKinds()).not.toThrow();
    expect(WORKLOAD_MODELS.map(m => m.name)).toEqual([
      "WorkloadProcess",
      "WorkloadCronJob",
      "WorkloadService",
      "WorkloadPersistent",
    ]);
    expect(modelToGroupVersionKind("WorkloadCronJob")).toEqual({
      group: "highlander.plexobject.io",
      version: "v1",
      kind: "WorkloadCronJob",
      plural: "workloadcronjobs",
    });
    expect(modelToGroupVersionKind("WorkloadProcess")).toMatchObject({
      plural: "workloadprocesses",
    });
    expect(modelToGroupVersionKind("WorkloadPersistent")).toMatchObject({
      group: "highlander.plexobject.io",
      version: "v1",
      plural: "workloadpersistents",
    });
  });
});
