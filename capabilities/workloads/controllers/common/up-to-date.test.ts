import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../runtime/kube-client";
import { APPLIED_HASH_ANNOTATION, containsFields, isUpToDate, withAppliedHash } from "./up-to-date";

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "team-a", labels: { app: "web" } },
  spec: {
    replicas: 1,
    template: {
      spec: { containers: [{ name: "web", image: "nginx:1", env: [{ name: "A", value: "1" }] }] },
    },
  },
};

/** What the API server gives back: our fields, its defaults, other annotations, a status. */
function served(applied: typeof deployment) {
  return {
    ...applied,
    metadata: {
      ...applied.metadata,
      uid: "u1",
      resourceVersion: "42",
      annotations: {
        ...(applied.metadata as { annotations?: Record<string, string> }).annotations,
        "highlander.plexobject.io/epoch": "3",
        "deployment.kubernetes.io/revision": "1",
      },
    },
    spec: {
      ...applied.spec,
      strategy: { type: "RollingUpdate" },
      template: {
        spec: {
          containers: applied.spec.template.spec.containers.map(c => ({
            ...c,
            imagePullPolicy: "IfNotPresent",
            terminationMessagePath: "/dev/termination-log",
          })),
          restartPolicy: "Always",
        },
      },
    },
    status: { replicas: 1 },
  };
}

describe("containsFields", () => {
  it("matches when every wanted value is there, whatever else the actual object has", () => {
    expect(containsFields({ a: 1, b: { c: "x", d: 2 } }, { b: { c: "x" } })).toBe(true);
    expect(containsFields([{ name: "a", x: 1 }], [{ name: "a" }])).toBe(true);
  });

  it("does not match a changed value, a missing key, a different array length or a type change", () => {
    expect(containsFields({ a: 1 }, { a: 2 })).toBe(false);
    expect(containsFields({}, { a: 1 })).toBe(false);
    expect(containsFields([1, 2], [1])).toBe(false);
    expect(containsFields({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(containsFields({ a: "1" }, { a: 1 })).toBe(false);
    expect(containsFields(null, {})).toBe(false);
  });
});

describe("isUpToDate", () => {
  it("is true for a child served back from what we applied (defaults and other annotations added)", () => {
    const desired = withAppliedHash(deployment);
    expect(isUpToDate(served(desired), withAppliedHash(deployment))).toBe(true);
  });

  it("is false when the spec stops setting a field (only an apply removes it)", () => {
    const before = served(withAppliedHash(deployment));
    const noLabel = { ...deployment, metadata: { name: "web", namespace: "team-a" } };
    // The child still contains every field of the new desired object: the hash tells them apart.
    expect(containsFields(before, noLabel)).toBe(true);
    expect(isUpToDate(before, withAppliedHash(noLabel))).toBe(false);
  });

  it("is false when somebody changed a field we set (drift is put back)", () => {
    const drifted = served(withAppliedHash(deployment));
    drifted.spec.template.spec.containers[0]!.image = "nginx:2";
    expect(isUpToDate(drifted, withAppliedHash(deployment))).toBe(false);
  });

  it("is false for a child applied before the hash annotation existed", () => {
    const old = served(deployment);
    expect(
      (old.metadata.annotations as Record<string, string>)[APPLIED_HASH_ANNOTATION],
    ).toBeUndefined();
    expect(isUpToDate(old, withAppliedHash(deployment))).toBe(false);
  });

  it("the hash does not depend on key order", () => {
    const reordered = { kind: deployment.kind, spec: deployment.spec, metadata: deployment.metadata, apiVersion: deployment.apiVersion }; // prettier-ignore
    const hashOf = (obj: KubeObject) =>
      withAppliedHash(obj).metadata?.annotations?.[APPLIED_HASH_ANNOTATION];
    expect(hashOf(reordered)).toBe(hashOf(deployment));
  });
});
