import { modelToGroupVersionKind } from "kubernetes-fluent-client";
import { describe, expect, it } from "vitest";
import { WORKLOAD_KINDS } from "../kinds/registry";
import { registerWorkloadKinds, WORKLOAD_MODELS } from "./register";

describe("registerWorkloadKinds", () => {
  it("registers every kind on import and tolerates being called again", () => {
    expect(() => registerWorkloadKinds()).not.toThrow();
    expect(WORKLOAD_MODELS.map(m => m.name)).toEqual(WORKLOAD_KINDS.map(k => k.names.kind));
    for (const { names } of WORKLOAD_KINDS) {
      expect(modelToGroupVersionKind(names.kind)).toEqual({
        group: "highlander.plexobject.io",
        version: "v1",
        kind: names.kind,
        plural: names.plural,
      });
    }
    expect(modelToGroupVersionKind("WorkloadCronJob").plural).toBe("workloadcronjobs");
  });
});
