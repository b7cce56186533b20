import { readFileSync } from "node:fs";
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PREDECESSOR_SAMPLE_CRONJOB_YAML } from "../../crd/samples";
import type {
  CommonSpec,
  WorkloadCronJobSpec,
  WorkloadObject,
  WorkloadPersistentSpec,
  WorkloadProcessSpec,
  WorkloadServiceSpec,
} from "../../crd/types";
import { buildJobForTick } from "../../kinds/cronjob/build-job";
import { buildStatefulSet } from "../../kinds/persistent/build";
import { buildProcessPod } from "../../kinds/process/build-pod";
import { buildDeployment } from "../../kinds/service/build";
import { buildPodSpec } from "./pod-template";
import {
  automountServiceAccountToken,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "./security";
import { CTX, cr } from "./test-fixtures";

/** The container checks of Pod Security "restricted" that a builder controls. */
function expectRestrictedContainer(c: V1Container): void {
  expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
  expect(c.securityContext?.capabilities?.drop).toEqual(["ALL"]);
  expect(c.securityContext?.privileged).not.toBe(true);
}

function expectRestricted(pod: V1PodSpec | undefined): void {
  expect(pod).toBeDefined();
  expect(pod?.securityContext?.runAsNonRoot).toBe(true);
  expect(pod?.securityContext?.seccompProfile).toEqual({ type: "RuntimeDefault" });
  expect(pod?.securityContext?.runAsUser).not.toBe(0);
  expect(pod?.automountServiceAccountToken).toBe(false);
  expect(pod?.containers.length).toBeGreaterThan(0);
  for (const c of pod?.containers ?? []) expectRestrictedContainer(c);
}

const WITH_SIDECAR: CommonSpec = {
  image: "busybox",
  sidecars: [{ name: "log", image: "busybox" }],
};

describe("restricted by default", () => {
  it("gives every built pod kind the restricted contexts, sidecars included", () => {
    expectRestricted(buildProcessPod(cr("WorkloadProcess", "p", WITH_SIDECAR), CTX).spec);
    expectRestricted(
      buildJobForTick(
        cr("WorkloadCronJob", "c", { ...WITH_SIDECAR, schedule: "* * * * *" }),
        new Date("2026-01-01T00:00:00Z"),
        CTX,
      ).spec?.template.spec,
    );
    expectRestricted(
      buildDeployment(cr("WorkloadService", "s", { ...WITH_SIDECAR, replicas: 2 }), CTX).spec
        ?.template.spec,
    );
    expectRestricted(
      buildStatefulSet(cr("WorkloadPersistent", "db", { ...WITH_SIDECAR, replicas: 1 }), CTX).spec
        ?.template.spec,
    );
  });

  it("builds restricted pods from the predecessor's sample and every example", () => {
    const tick = new Date("2026-01-01T00:00:00Z");
    // Read from the API server, a workload has a uid; the builders insist on it.
    const withUid = (doc: { metadata: Record<string, unknown> }): unknown => ({
      ...doc,
      metadata: { ...doc.metadata, uid: "uid-1" },
    });
    const read = (file: string): unknown =>
      withUid(
        parse(
          readFileSync(new URL(`../../../../manifests/examples/${file}`, import.meta.url), "utf8"),
        ),
      );
    const cron = (doc: unknown) =>
      buildJobForTick(doc as WorkloadObject<WorkloadCronJobSpec>, tick, CTX).spec?.template.spec;
    expectRestricted(cron(withUid(parse(PREDECESSOR_SAMPLE_CRONJOB_YAML))));
    expectRestricted(cron(read("workloadcronjob.yaml")));
    expectRestricted(
      buildProcessPod(read("workloadprocess.yaml") as WorkloadObject<WorkloadProcessSpec>, CTX)
        .spec,
    );
    expectRestricted(
      buildDeployment(read("workloadservice.yaml") as WorkloadObject<WorkloadServiceSpec>, CTX).spec
        ?.template.spec,
    );
    expectRestricted(
      buildStatefulSet(
        read("workloadpersistent.yaml") as WorkloadObject<WorkloadPersistentSpec>,
        CTX,
      ).spec?.template.spec,
    );
  });

  it("keeps what the spec sets, field by field", () => {
    expect(
      restrictedPodSecurityContext({
        runAsNonRoot: false,
        runAsUser: 0,
        seccompProfile: { type: "Unconfined" },
      }),
    ).toEqual({ runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: "Unconfined" } });
    expect(restrictedPodSecurityContext({ fsGroup: 2000 })).toEqual({
      fsGroup: 2000,
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      seccompProfile: { type: "RuntimeDefault" },
    });
    // A spec that picks its user keeps its own group choice too.
    expect(restrictedPodSecurityContext({ runAsUser: 1000 })).toEqual({
      runAsUser: 1000,
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(
      restrictedContainerSecurityContext({
        allowPrivilegeEscalation: true,
        capabilities: { add: ["NET_ADMIN"], drop: [] },
      }),
    ).toEqual({ allowPrivilegeEscalation: true, capabilities: { add: ["NET_ADMIN"], drop: [] } });
    // Adding one capability back still drops the rest (what "restricted" allows for NET_BIND_SERVICE).
    expect(
      restrictedContainerSecurityContext({ capabilities: { add: ["NET_BIND_SERVICE"] } }),
    ).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
    });
  });

  it("mounts a token only for a ServiceAccount the spec names", () => {
    expect(automountServiceAccountToken(undefined)).toBe(false);
    expect(automountServiceAccountToken("default")).toBe(false);
    expect(automountServiceAccountToken("worker")).toBeUndefined();
    const pod = buildPodSpec(
      { image: "x", serviceAccountName: "worker" },
      { restartPolicy: "Never" },
    );
    expect(pod.automountServiceAccountToken).toBeUndefined();
    expect(pod.serviceAccountName).toBe("worker");
  });

  it("does not share context objects between two builds (pure, deterministic)", () => {
    const spec: CommonSpec = {
      image: "x",
      securityContext: { capabilities: { drop: ["NET_RAW"] } },
    };
    const a = buildPodSpec(spec, { restartPolicy: "Never" });
    const b = buildPodSpec(spec, { restartPolicy: "Never" });
    expect(a).toEqual(b);
    a.containers[0].securityContext?.capabilities?.drop?.push("MKNOD");
    expect(spec.securityContext?.capabilities?.drop).toEqual(["NET_RAW"]);
  });
});
