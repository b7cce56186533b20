import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { WorkloadProcessSpec } from "../../crd/types";
import { CTX, cr } from "../../controllers/common/test-fixtures";
import { ANNOTATION_SPEC_HASH, buildProcessPod, processPodSpecHash } from "./build-pod";
import { decideProcessAction, restartDelayMs } from "./decide-action";

const spec: WorkloadProcessSpec = {
  image: "busybox:latest",
  script: {
    commands: ["echo 'Starting singleton processor'", "while true; do sleep 60; done"],
    shell: "/bin/sh",
  },
  resources: { cpuRequest: "100m", memoryRequest: "64Mi" },
  env: { Z: "1", A: "2" },
  restartPolicy: "OnFailure",
  maxRestarts: 3,
  gracePeriod: "1m30s",
};
const proc = cr("WorkloadProcess", "singleton-processor", spec);

describe("buildProcessPod", () => {
  const pod = buildProcessPod(proc, CTX);

  it("names the pod after the workload, in its namespace, owned by it", () => {
    expect(pod.metadata?.name).toBe("singleton-processor");
    expect(pod.metadata?.namespace).toBe("apps");
    expect(pod.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "highlander.plexobject.io/v1",
        kind: "WorkloadProcess",
        name: "singleton-processor",
        uid: "uid-singleton-processor",
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it("labels it and records its spec hash (the writer stamps the epoch)", () => {
    expect(pod.metadata?.labels).toEqual({
      "app.kubernetes.io/managed-by": "highlander",
      "app.kubernetes.io/name": "singleton-processor",
      "highlander.plexobject.io/workload": "singleton-processor",
      "highlander.plexobject.io/kind": "process",
      "highlander.plexobject.io/tenant": "team-a",
    });
    expect(pod.metadata?.annotations?.["highlander.plexobject.io/epoch"]).toBeUndefined();
    expect(pod.metadata?.annotations?.[ANNOTATION_SPEC_HASH]).toBe(processPodSpecHash(proc));
  });

  it("with predecessorNames: the predecessor's pod name <name>-pod and its app / managed-by labels", () => {
    const old = cr("WorkloadProcess", "singleton-processor", { ...spec, predecessorNames: true });
    const p = buildProcessPod(old, CTX);
    expect(p.metadata?.name).toBe("singleton-processor-pod");
    expect(p.metadata?.labels).toMatchObject({
      app: "singleton-processor",
      "managed-by": "k8-highlander",
      "highlander.plexobject.io/workload": "singleton-processor",
    });
    // Our selector labels win over a podLabels entry of the same key; theirs sit beside them.
    expect(p.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe("highlander");
  });

  it("leaves restarts to the controller (pod restartPolicy Never) and converts gracePeriod", () => {
    expect(pod.spec?.restartPolicy).toBe("Never");
    expect(pod.spec?.terminationGracePeriodSeconds).toBe(90);
    const c = pod.spec?.containers[0];
    expect(c?.command).toEqual([
      "/bin/sh",
      "-c",
      "set -e\necho 'Starting singleton processor'\nwhile true; do sleep 60; done",
    ]);
    expect(c?.env).toEqual([
      { name: "A", value: "2" },
      { name: "Z", value: "1" },
    ]);
    expect(c?.resources).toEqual({ requests: { cpu: "100m", memory: "64Mi" } });
  });

  it("is deterministic, and its spec hash ignores the tenant", () => {
    expect(buildProcessPod(proc, CTX)).toEqual(pod);
    const other = buildProcessPod(proc, { tenant: "b" });
    expect(other.metadata?.annotations?.[ANNOTATION_SPEC_HASH]).toBe(
      pod.metadata?.annotations?.[ANNOTATION_SPEC_HASH],
    );
    expect(other.spec).toEqual(pod.spec);
  });

  it("uses terminationGracePeriodSeconds when gracePeriod is absent", () => {
    const p = buildProcessPod(
      cr("WorkloadProcess", "p", { image: "x", terminationGracePeriodSeconds: 5 }),
      CTX,
    );
    expect(p.spec?.terminationGracePeriodSeconds).toBe(5);
  });
});

function observed(
  phase: string,
  extra: { finishedAt?: string; hash?: string; deleting?: boolean } = {},
): V1Pod {
  const built = buildProcessPod(proc, CTX);
  return {
    ...built,
    metadata: {
      ...built.metadata,
      annotations: {
        ...built.metadata?.annotations,
        [ANNOTATION_SPEC_HASH]: extra.hash ?? processPodSpecHash(proc),
      },
      ...(extra.deleting ? { deletionTimestamp: new Date("2024-01-01T00:00:00Z") } : {}),
    },
    status: {
      phase,
      ...(extra.finishedAt
        ? {
            containerStatuses: [
              {
                name: "main",
                image: "x",
                imageID: "",
                ready: false,
                restartCount: 0,
                state: {
                  terminated: { exitCode: 1, finishedAt: extra.finishedAt as unknown as Date },
                },
              },
            ],
          }
        : {}),
    },
  };
}

describe("decideProcessAction", () => {
  const now = new Date("2024-01-01T00:10:00Z");

  it("creates a missing pod", () => {
    expect(decideProcessAction(proc, undefined, 0, now).action).toBe("create");
  });

  it("leaves a running pod alone", () => {
    expect(decideProcessAction(proc, observed("Running"), 0, now)).toEqual({
      action: "none",
      reason: "pod is Running",
    });
  });

  it("waits for a terminating pod", () => {
    const d = decideProcessAction(proc, observed("Running", { deleting: true }), 0, now);
    expect(d.action).toBe("wait");
    expect(d.retryAfterMs).toBeGreaterThan(0);
  });

  it("re-creates after a spec change without spending the budget", () => {
    const d = decideProcessAction(proc, observed("Running", { hash: "stale" }), 2, now);
    expect(d).toMatchObject({
      action: "delete-and-recreate",
      countsAsRestart: false,
      resetRestarts: true,
    });
  });

  it("backs off exponentially after a failure, then restarts", () => {
    expect(restartDelayMs(0)).toBe(10_000);
    expect(restartDelayMs(1)).toBe(20_000);
    expect(restartDelayMs(10)).toBe(300_000);
    const failedAt = "2024-01-01T00:09:55Z"; // 5 s ago; first delay is 10 s
    const waiting = decideProcessAction(proc, observed("Failed", { finishedAt: failedAt }), 0, now);
    expect(waiting).toMatchObject({ action: "wait", retryAfterMs: 5000 });
    const later = new Date("2024-01-01T00:10:06Z");
    expect(
      decideProcessAction(proc, observed("Failed", { finishedAt: failedAt }), 0, later),
    ).toMatchObject({
      action: "delete-and-recreate",
      countsAsRestart: true,
    });
    // After two restarts the delay is 40 s.
    expect(
      decideProcessAction(proc, observed("Failed", { finishedAt: failedAt }), 2, later),
    ).toMatchObject({
      action: "wait",
      retryAfterMs: 29_000,
    });
  });

  it("gives up when maxRestarts is spent", () => {
    const d = decideProcessAction(
      proc,
      observed("Failed", { finishedAt: "2024-01-01T00:00:00Z" }),
      3,
      now,
    );
    expect(d.action).toBe("give-up");
    expect(d.reason).toContain("3/3");
  });

  it("follows restartPolicy: Never keeps a failed pod, OnFailure keeps a succeeded one, Always restarts both", () => {
    const finished = { finishedAt: "2024-01-01T00:00:00Z" };
    const withPolicy = (restartPolicy: WorkloadProcessSpec["restartPolicy"]) =>
      cr("WorkloadProcess", "singleton-processor", { ...spec, restartPolicy });
    const podFor = (phase: string) => observed(phase, finished);
    expect(decideProcessAction(withPolicy("Never"), podFor("Failed"), 0, now).action).toBe("none");
    expect(decideProcessAction(withPolicy("OnFailure"), podFor("Succeeded"), 0, now).action).toBe(
      "none",
    );
    expect(decideProcessAction(withPolicy("Always"), podFor("Succeeded"), 0, now).action).toBe(
      "delete-and-recreate",
    );
    expect(decideProcessAction(withPolicy("Always"), podFor("Failed"), 0, now).action).toBe(
      "delete-and-recreate",
    );
  });

  it("defaults to maxRestarts 5", () => {
    const p = cr("WorkloadProcess", "singleton-processor", { ...spec, maxRestarts: undefined });
    const pod = observed("Failed", { finishedAt: "2024-01-01T00:00:00Z" });
    expect(decideProcessAction(p, pod, 4, now).action).toBe("delete-and-recreate");
    expect(decideProcessAction(p, pod, 5, now).action).toBe("give-up");
  });
});
