import { describe, expect, it } from "vitest";
import { listPodDetails, podDetails, type PodObject } from "./pod-details";

const POD: PodObject = {
  metadata: {
    name: "api-7d9f-x2",
    namespace: "team-a",
    creationTimestamp: "2025-01-01T10:00:05Z",
    labels: {
      app: "api",
      "highlander.plexobject.io/workload": "api",
      "highlander.plexobject.io/kind": "service",
    },
    annotations: { "highlander.plexobject.io/epoch": "7" },
  },
  spec: { nodeName: "node-1" },
  status: { phase: "Running" },
};

describe("podDetails", () => {
  it("keeps the pod's node, creation time, labels, annotations and owning workload", () => {
    expect(podDetails(POD)).toEqual({
      namespace: "team-a",
      name: "api-7d9f-x2",
      phase: "Running",
      node: "node-1",
      createdAt: "2025-01-01T10:00:05Z",
      labels: POD.metadata?.labels,
      annotations: POD.metadata?.annotations,
      workload: { kind: "WorkloadService", name: "api" },
    });
  });

  it("has empty values, never missing ones, for a pod not yet scheduled", () => {
    expect(podDetails({ metadata: { name: "p", namespace: "n" } })).toMatchObject({
      phase: "Unknown",
      node: "",
      labels: {},
      annotations: {},
      workload: { kind: "", name: "" },
    });
  });
});

describe("listPodDetails", () => {
  it("lists each watched namespace with our tenant's selector", async () => {
    const calls: string[] = [];
    const pods = await listPodDetails(
      async (namespace, selector) => {
        calls.push(`${namespace}?${selector}`);
        return namespace === "team-a" ? [POD] : [];
      },
      ["team-a", "team-b"],
      "blue",
    );
    expect(calls).toEqual([
      "team-a?app.kubernetes.io/managed-by=highlander,highlander.plexobject.io/tenant=blue",
      "team-b?app.kubernetes.io/managed-by=highlander,highlander.plexobject.io/tenant=blue",
    ]);
    expect(pods.map(p => p.name)).toEqual(["api-7d9f-x2"]);
  });
});
