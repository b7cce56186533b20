import { modelToGroupVersionKind } from "kubernetes-fluent-client";
import { describe, expect, it } from "vitest";
import { registerWorkloadKinds, WorkloadCronJobGVK } from "./register";
import { WorkloadCronJob, WorkloadPersistent, WorkloadProcess, WorkloadService } from "./types";

describe("registerWorkloadKinds", () => {
  it("registers all four kinds on import and tolerates being called again", () => {
    expect(() => registerWorkloadKinds()).not.toThrow();
    expect(modelToGroupVersionKind(WorkloadCronJob.name)).toEqual(WorkloadCronJobGVK);
    expect(modelToGroupVersionKind(WorkloadProcess.name)).toMatchObject({
      plural: "workloadprocesses",
    });
    expect(modelToGroupVersionKind(WorkloadService.name)).toMatchObject({
      kind: "WorkloadService",
    });
    expect(modelToGroupVersionKind(WorkloadPersistent.name)).toMatchObject({
      group: "highlander.plexobject.io",
      version: "v1",
      plural: "workloadpersistents",
    });
  });
});
