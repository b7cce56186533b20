import type { V1Deployment, V1Job, V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { WorkloadObject, WorkloadStatus } from "../../crd/types";
import { ANNOTATION_SCHEDULED_TIME } from "../../kinds/cronjob/build-job";
import { statusChanged } from "./conditions";
import { computeStatus, type StatusContext } from "./status";
import { cr } from "./test-fixtures";
import { processKind } from "../../kinds/process";
import { cronjobKind } from "../../kinds/cronjob";
import { serviceKind } from "../../kinds/service";
import { persistentKind } from "../../kinds/persistent";

const T0 = new Date("2024-01-01T00:00:00Z");
const T1 = new Date("2024-01-01T00:01:00Z");
const ctx = (now: Date, extra: Partial<StatusContext> = {}): StatusContext => ({
  now,
  leader: { id: "ctl-1", cluster: "east", epoch: 4 },
  specProblems: [],
  ...extra,
});
const condition = (s: WorkloadStatus, type: string) => s.conditions?.find(c => c.type === type);

function pod(phase: string, ready: boolean): V1Pod {
  return {
    metadata: { name: "proc" },
    status: { phase, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

describe("process status", () => {
  const proc = cr("WorkloadProcess", "proc", { image: "x" }, { generation: 3 });

  it("is Active and Healthy with a running, ready pod", () => {
    const s = computeStatus(
      processKind,
      proc,
      { pod: pod("Running", true), restartCount: 1 },
      ctx(T0),
    );
    expect(s).toMatchObject({
      active: true,
      healthy: true,
      observedGeneration: 3,
      podName: "proc",
      phase: "Running",
      restartCount: 1,
      leader: { id: "ctl-1", cluster: "east", epoch: 4 },
    });
    expect(s.conditions?.map(c => [c.type, c.status])).toEqual([
      ["Ready", "True"],
      ["Reconciling", "False"],
      ["Stalled", "False"],
      ["Active", "True"],
      ["Healthy", "True"],
      ["InvalidSpec", "False"],
    ]);
    expect(condition(s, "Ready")).toMatchObject({
      observedGeneration: 3,
      lastTransitionTime: T0.toISOString(),
    });
  });

  it("is Active but not Healthy while not ready", () => {
    const s = computeStatus(
      processKind,
      proc,
      { pod: pod("Running", false), restartCount: 0 },
      ctx(T0),
    );
    expect([s.active, s.healthy]).toEqual([true, false]);
    expect(condition(s, "Healthy")?.reason).toBe("PodNotReady");
    expect(condition(s, "Ready")?.status).toBe("False");
  });

  it("reports giving up", () => {
    const s = computeStatus(
      processKind,
      proc,
      { pod: pod("Failed", false), restartCount: 5, gaveUp: true },
      ctx(T0),
    );
    expect(s).toMatchObject({ active: false, healthy: false, phase: "GaveUp" });
    expect(condition(s, "Healthy")?.reason).toBe("RestartBudgetSpent");
  });

  it("treats a completed run as healthy and inactive by design", () => {
    const s = computeStatus(
      processKind,
      proc,
      { pod: pod("Succeeded", false), restartCount: 0 },
      ctx(T0),
    );
    expect([s.active, s.healthy, condition(s, "Ready")?.status]).toEqual([false, true, "True"]);
  });

  it("on a standby cluster, healthy means stopped", () => {
    const stopped = computeStatus(
      processKind,
      proc,
      { restartCount: 0 },
      ctx(T0, { activeCluster: false }),
    );
    expect([stopped.active, stopped.healthy, condition(stopped, "Ready")?.reason]).toEqual([
      false,
      true,
      "Standby",
    ]);
    const leftover = computeStatus(
      processKind,
      proc,
      { pod: pod("Running", true), restartCount: 0 },
      ctx(T0, { activeCluster: false }),
    );
    expect(leftover.healthy).toBe(false);
  });
});

describe("conditions over time", () => {
  const proc = cr("WorkloadProcess", "proc", { image: "x" });

  it("keeps lastTransitionTime while a condition's status holds, and moves it on change", () => {
    const first = computeStatus(
      processKind,
      proc,
      { pod: pod("Running", true), restartCount: 0 },
      ctx(T0),
    );
    const again = computeStatus(
      processKind,
      { ...proc, status: first },
      { pod: pod("Running", true), restartCount: 0 },
      ctx(T1),
    );
    expect(condition(again, "Ready")?.lastTransitionTime).toBe(T0.toISOString());
    expect(statusChanged(first, again)).toBe(false);

    const broken = computeStatus(
      processKind,
      { ...proc, status: again },
      { pod: pod("Running", false), restartCount: 0 },
      ctx(T1),
    );
    expect(condition(broken, "Healthy")?.lastTransitionTime).toBe(T1.toISOString());
    expect(condition(broken, "Active")?.lastTransitionTime).toBe(T0.toISOString());
    expect(statusChanged(again, broken)).toBe(true);
  });

  it("ignores lastTransitionTime-only churn and condition order, not real changes", () => {
    const a: WorkloadStatus = {
      active: true,
      conditions: [
        {
          type: "A",
          status: "True",
          reason: "r",
          message: "m",
          lastTransitionTime: T0.toISOString(),
        },
        {
          type: "B",
          status: "True",
          reason: "r",
          message: "m",
          lastTransitionTime: T0.toISOString(),
        },
      ],
    };
    const b: WorkloadStatus = {
      active: true,
      conditions: [
        {
          type: "B",
          status: "True",
          reason: "r",
          message: "m",
          lastTransitionTime: T1.toISOString(),
        },
        {
          type: "A",
          status: "True",
          reason: "r",
          message: "m",
          lastTransitionTime: T1.toISOString(),
        },
      ],
    };
    expect(statusChanged(a, b)).toBe(false);
    expect(statusChanged(a, { ...b, active: false })).toBe(true);
    expect(statusChanged(undefined, a)).toBe(true);
  });

  it("a new leader alone is no change worth a status write (takeover writes nothing)", () => {
    const before: WorkloadStatus = { active: true, leader: { id: "a", cluster: "c", epoch: 3 } };
    const after: WorkloadStatus = { active: true, leader: { id: "b", cluster: "c", epoch: 4 } };
    expect(statusChanged(before, after)).toBe(false);
    expect(statusChanged(before, { ...after, active: false })).toBe(true);
  });

  it("reports an invalid spec", () => {
    const s = computeStatus(
      processKind,
      proc,
      { restartCount: 0 },
      ctx(T0, { specProblems: ["image is required"] }),
    );
    expect(condition(s, "InvalidSpec")).toMatchObject({
      status: "True",
      reason: "SpecInvalid",
      message: "image is required",
    });
    expect(condition(s, "Ready")).toMatchObject({ status: "False", reason: "InvalidSpec" });
    expect(condition(s, "Stalled")).toMatchObject({ status: "True", reason: "InvalidSpec" });
    expect(condition(s, "Reconciling")).toMatchObject({ status: "False" });
    expect(s.healthy).toBe(false);
  });
});

describe("kstatus conditions", () => {
  const proc = cr("WorkloadProcess", "proc", { image: "x" }, { generation: 7 });
  const flags = (s: WorkloadStatus) =>
    ["Ready", "Reconciling", "Stalled"].map(t => condition(s, t)?.status);

  it("is Reconciling while the pod is not ready yet", () => {
    const s = computeStatus(
      processKind,
      proc,
      { pod: pod("Pending", false), restartCount: 0 },
      ctx(T0),
    );
    expect(flags(s)).toEqual(["False", "True", "False"]);
    expect(condition(s, "Reconciling")?.reason).toBe(condition(s, "Ready")?.reason);
  });

  it("a refused child: Ready=False and Stalled with the API server's message, observedGeneration current", () => {
    const message = 'pods "proc" is forbidden: error looking up service account t/missing';
    const s = computeStatus(
      processKind,
      proc,
      { pod: pod("Running", true), restartCount: 0 },
      ctx(T0, { problem: { reason: "ChildRejected", message, stalled: true } }),
    );
    expect(flags(s)).toEqual(["False", "False", "True"]);
    expect(condition(s, "Ready")).toMatchObject({ reason: "ChildRejected", message });
    expect(condition(s, "Stalled")).toMatchObject({ reason: "ChildRejected", message });
    expect(s.observedGeneration).toBe(7);
    expect(s.message).toBe(message);
  });

  it("a transient write failure shown after a while: Ready=False, still Reconciling, not Stalled", () => {
    const s = computeStatus(
      processKind,
      proc,
      { pod: pod("Running", true), restartCount: 0 },
      ctx(T0, { problem: { reason: "ChildWriteFailing", message: "503", stalled: false } }),
    );
    expect(flags(s)).toEqual(["False", "True", "False"]);
  });

  it("the restart budget spent is Stalled", () => {
    const s = computeStatus(
      processKind,
      proc,
      { pod: pod("Failed", false), restartCount: 5, gaveUp: true },
      ctx(T0),
    );
    expect(flags(s)).toEqual(["False", "False", "True"]);
    expect(condition(s, "Stalled")?.reason).toBe("RestartBudgetSpent");
  });

  it("a failed pod that restartPolicy Never leaves as it is is Stalled; one OnFailure restarts is Reconciling", () => {
    const never = computeStatus(
      processKind,
      proc,
      { pod: pod("Failed", false), restartCount: 0 },
      ctx(T0),
    );
    expect(flags(never)).toEqual(["False", "False", "True"]);
    expect(condition(never, "Stalled")?.reason).toBe("PodFailed");
    const onFailure = cr(
      "WorkloadProcess",
      "proc",
      { image: "x", restartPolicy: "OnFailure" as const },
      { generation: 7 },
    );
    const restarting = computeStatus(
      processKind,
      onFailure,
      { pod: pod("Failed", false), restartCount: 1 },
      ctx(T0),
    );
    expect(flags(restarting)).toEqual(["False", "True", "False"]);
  });

  it("a Deployment whose pods the API refuses is Stalled with the ReplicaFailure message", () => {
    const svc = cr("WorkloadService", "web", { image: "x", replicas: 1 }, { generation: 2 });
    const deployment: V1Deployment = {
      metadata: { name: "web" },
      spec: { replicas: 1, selector: {}, template: {} },
      status: {
        replicas: 0,
        conditions: [
          {
            type: "ReplicaFailure",
            status: "True",
            reason: "FailedCreate",
            message: 'pods "web-1" is forbidden: no PriorityClass with name gold was found',
          },
        ],
      },
    };
    const s = computeStatus(serviceKind, svc, { deployment }, ctx(T0));
    expect(flags(s)).toEqual(["False", "False", "True"]);
    expect(condition(s, "Ready")?.reason).toBe("PodsRejected");
    expect(condition(s, "Ready")?.message).toContain("no PriorityClass with name gold");
  });

  it("a cron job whose last run failed is neither Ready nor Reconciling nor Stalled", () => {
    const cron = cr(
      "WorkloadCronJob",
      "c",
      { image: "x", schedule: "* * * * *" },
      { generation: 1 },
    );
    const failed: V1Job = {
      metadata: { name: "c-1", annotations: { [ANNOTATION_SCHEDULED_TIME]: T0.toISOString() } },
      status: {
        failed: 1,
        conditions: [{ type: "Failed", status: "True", lastTransitionTime: T1 }],
      },
    };
    const s = computeStatus(cronjobKind, cron, { jobs: [failed] }, ctx(T1));
    expect(flags(s)).toEqual(["False", "False", "False"]);
    expect(condition(s, "Ready")?.reason).toBe("LastRunFailed");
  });
});

function job(
  name: string,
  scheduled: string,
  state: "active" | "succeeded" | "failed",
  finished?: string,
): V1Job {
  return {
    metadata: { name, annotations: { [ANNOTATION_SCHEDULED_TIME]: scheduled } },
    status: {
      ...(finished ? { completionTime: new Date(finished) } : {}),
      conditions:
        state === "active"
          ? []
          : [
              {
                type: state === "succeeded" ? "Complete" : "Failed",
                status: "True",
                lastTransitionTime: finished ? new Date(finished) : undefined,
              },
            ],
    },
  };
}

describe("cron job status", () => {
  const cron = cr("WorkloadCronJob", "c", { image: "x", schedule: "*/5 * * * *" });
  const observe = (jobs: V1Job[]) => ({
    kind: "cronjob" as const,
    jobs,
    lastScheduleTime: "2024-01-01T00:05:00Z",
    nextScheduleTime: new Date("2024-01-01T00:10:00Z"),
  });

  it("is Active and Healthy before any run, with schedule times", () => {
    const s = computeStatus(cronjobKind, cron, observe([]), ctx(T0));
    expect(s).toMatchObject({
      active: true,
      healthy: true,
      activeJobs: [],
      lastScheduleTime: "2024-01-01T00:05:00.000Z",
      nextScheduleTime: "2024-01-01T00:10:00.000Z",
    });
    expect(condition(s, "Healthy")?.reason).toBe("NoRunsYet");
  });

  it("is unhealthy when the latest finished run failed, and lists active runs", () => {
    const s = computeStatus(
      cronjobKind,
      cron,
      observe([
        job("c-1", "2024-01-01T00:00:00Z", "succeeded", "2024-01-01T00:00:20Z"),
        job("c-2", "2024-01-01T00:05:00Z", "failed", "2024-01-01T00:05:30Z"),
        job("c-3", "2024-01-01T00:10:00Z", "active"),
      ]),
      ctx(T0),
    );
    expect(s.healthy).toBe(false);
    expect(s.activeJobs).toEqual([{ name: "c-3", scheduledTime: "2024-01-01T00:10:00.000Z" }]);
    expect(s.lastSuccessfulTime).toBe("2024-01-01T00:00:20.000Z");
    expect(s.lastFailedTime).toBe("2024-01-01T00:05:30.000Z");
    const recovered = computeStatus(
      cronjobKind,
      cron,
      observe([
        job("c-4", "2024-01-01T00:15:00Z", "succeeded", "2024-01-01T00:15:20Z"),
        job("c-2", "2024-01-01T00:05:00Z", "failed"),
      ]),
      ctx(T0),
    );
    expect(recovered.healthy).toBe(true);
  });

  it("is not Active when suspended (but Ready), and has no next time", () => {
    const s = computeStatus(
      cronjobKind,
      cr("WorkloadCronJob", "c", { image: "x", schedule: "* * * * *", suspend: true }),
      observe([]),
      ctx(T0),
    );
    expect([s.active, s.healthy, s.nextScheduleTime]).toEqual([false, true, undefined]);
    expect(condition(s, "Active")?.reason).toBe("Suspended");
    expect(condition(s, "Ready")?.status).toBe("True");
  });
});

function deployment(
  specReplicas: number,
  replicas: number,
  ready: number,
  stalled = false,
): V1Deployment {
  return {
    metadata: { name: "web" },
    spec: { replicas: specReplicas, selector: {}, template: {} },
    status: {
      replicas,
      readyReplicas: ready,
      conditions: stalled
        ? [
            {
              type: "Progressing",
              status: "False",
              reason: "ProgressDeadlineExceeded",
              message: "timed out",
            },
          ]
        : [],
    },
  };
}

describe("service and persistent status", () => {
  const web = cr("WorkloadService", "web", {
    image: "x",
    replicas: 2,
    ports: [{ containerPort: 80 }],
  });
  const svcObj = { metadata: { name: "web" } };

  it("healthy when ready replicas match", () => {
    const s = computeStatus(
      serviceKind,
      web,
      { deployment: deployment(2, 2, 2), service: svcObj },
      ctx(T0),
    );
    expect(s).toMatchObject({ active: true, healthy: true, replicas: 2, readyReplicas: 2 });
  });

  it("unhealthy while not all ready, past the progress deadline, or without its Service", () => {
    expect(
      computeStatus(serviceKind, web, { deployment: deployment(2, 2, 1), service: svcObj }, ctx(T0))
        .healthy,
    ).toBe(false);
    const stalled = computeStatus(
      serviceKind,
      web,
      { deployment: deployment(2, 2, 1, true), service: svcObj },
      ctx(T0),
    );
    expect(condition(stalled, "Healthy")?.reason).toBe("ProgressDeadlineExceeded");
    const noSvc = computeStatus(serviceKind, web, { deployment: deployment(2, 2, 2) }, ctx(T0));
    expect(condition(noSvc, "Healthy")?.reason).toBe("ServiceMissing");
  });

  it("standby: scaled to 0 is healthy, leftover pods are not", () => {
    const standby = ctx(T0, { activeCluster: false });
    const stopped = computeStatus(serviceKind, web, { deployment: deployment(0, 0, 0) }, standby);
    expect([stopped.active, stopped.healthy, condition(stopped, "Ready")?.reason]).toEqual([
      false,
      true,
      "Standby",
    ]);
    expect(
      computeStatus(serviceKind, web, { deployment: deployment(0, 1, 1) }, standby).healthy,
    ).toBe(false);
  });

  it("persistent sets report their StatefulSet", () => {
    const db: WorkloadObject<unknown> = cr("WorkloadPersistent", "db", { image: "x", replicas: 1 });
    const sts: V1StatefulSet = {
      metadata: { name: "db" },
      spec: { replicas: 1, serviceName: "db", selector: {}, template: {} },
      status: { replicas: 1, readyReplicas: 0 },
    };
    const s = computeStatus(
      persistentKind,
      db,
      { statefulSet: sts, headlessService: svcObj },
      ctx(T0),
    );
    expect(s).toMatchObject({ active: true, healthy: false, replicas: 1, readyReplicas: 0 });
  });
});
