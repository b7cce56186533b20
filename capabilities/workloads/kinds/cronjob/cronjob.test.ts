import type { V1Job } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { WorkloadCronJobSpec } from "../../crd/types";
import { CTX, cr } from "../../controllers/common/test-fixtures";
import {
  ANNOTATION_SCHEDULED_TIME,
  buildJobForTick,
  jobNameForTick,
  LABEL_TICK,
} from "./build-job";
import { decideCronAction, jobState, jobsToPrune } from "./decide-action";
import { computeTicks, normalizeSchedule, scheduleProblems } from "./schedule";

const sample: WorkloadCronJobSpec = {
  image: "busybox:latest",
  script: {
    commands: ["echo 'Running CRD-defined cron job at $(date)'", "sleep 15"],
    shell: "/bin/sh",
  },
  schedule: "*/5 * * * *",
  env: { TEST_ENV: "crd-value", CRD_DEFINED: "true" },
  resources: { cpuRequest: "50m", memoryRequest: "32Mi", cpuLimit: "100m", memoryLimit: "64Mi" },
  restartPolicy: "OnFailure",
};
const cron = cr("WorkloadCronJob", "sample-cronjob", sample);
const at = (iso: string) => new Date(iso);

describe("schedules", () => {
  it("accepts 5 fields and macros, and 6 fields with seconds first", () => {
    expect(normalizeSchedule("*/5 * * * *")).toEqual({
      expression: "*/5 * * * *",
      seconds: false,
    });
    expect(normalizeSchedule("@midnight")).toEqual({ expression: "0 0 * * *", seconds: false });
    expect(normalizeSchedule(" */5  * * * * * ")).toEqual({
      expression: "*/5 * * * * *",
      seconds: true,
    });
    expect(normalizeSchedule("* * * *")).toHaveProperty("error");
    expect(normalizeSchedule("0 0 0 * * * *")).toHaveProperty("error");
  });

  it("reports bad expressions and time zones", () => {
    expect(scheduleProblems(sample)).toEqual([]);
    expect(scheduleProblems({ ...sample, schedule: "61 * * * *" })[0]).toMatch(/not valid/);
    expect(scheduleProblems({ ...sample, schedule: "* * * *" })[0]).toMatch(
      /4 fields; expected 5 \(minute .*\) or 6 \(second first\)/,
    );
    expect(scheduleProblems({ ...sample, schedule: "@sometimes" })[0]).toMatch(
      /unknown schedule macro/,
    );
    expect(scheduleProblems({ ...sample, timeZone: "Mars/Olympus" })).toEqual([
      'timeZone "Mars/Olympus" is not a known IANA time zone',
    ]);
    expect(scheduleProblems({ ...sample, timeZone: "America/New_York" })).toEqual([]);
  });
});

describe("computeTicks", () => {
  it("never runs retroactively for a new workload", () => {
    const t = computeTicks(sample, undefined, at("2024-01-01T00:07:00Z"));
    expect(t).toEqual({ next: at("2024-01-01T00:10:00Z"), missed: 0, skippedByDeadline: false });
  });

  it("runs the tick that passed since creation", () => {
    const t = computeTicks(
      sample,
      undefined,
      at("2024-01-01T00:07:00Z"),
      at("2024-01-01T00:04:00Z"),
    );
    expect(t.due).toEqual(at("2024-01-01T00:05:00Z"));
    expect(t.missed).toBe(1);
  });

  it("counts a tick exactly at now as due", () => {
    const t = computeTicks(sample, at("2024-01-01T00:00:00Z"), at("2024-01-01T00:05:00Z"));
    expect(t.due).toEqual(at("2024-01-01T00:05:00Z"));
    expect(t.next).toEqual(at("2024-01-01T00:10:00Z"));
  });

  it("has nothing due right after a run", () => {
    expect(
      computeTicks(sample, at("2024-01-01T00:05:00Z"), at("2024-01-01T00:06:00Z")).due,
    ).toBeUndefined();
  });

  it("runs only the latest of many missed ticks", () => {
    const t = computeTicks(sample, at("2024-01-01T00:00:00Z"), at("2024-01-01T01:02:00Z"));
    expect(t.due).toEqual(at("2024-01-01T01:00:00Z"));
    expect(t.missed).toBe(12);
    const long = computeTicks(sample, at("2023-01-01T00:00:00Z"), at("2024-01-01T00:01:00Z"));
    expect(long.due).toEqual(at("2024-01-01T00:00:00Z"));
    expect(long.missed).toBe(101);
  });

  it("skips ticks older than startingDeadlineSeconds", () => {
    const spec = { ...sample, startingDeadlineSeconds: 60 };
    const late = computeTicks(spec, at("2024-01-01T00:00:00Z"), at("2024-01-01T00:07:00Z"));
    expect(late.due).toBeUndefined();
    expect(late.skippedByDeadline).toBe(true);
    const inTime = computeTicks(spec, at("2024-01-01T00:00:00Z"), at("2024-01-01T00:05:30Z"));
    expect(inTime.due).toEqual(at("2024-01-01T00:05:00Z"));
    expect(inTime.skippedByDeadline).toBe(false);
  });

  it("honours the time zone, including DST", () => {
    const spec = { ...sample, schedule: "30 2 * * *", timeZone: "Europe/Berlin" };
    // 02:30 Berlin on 2024-01-15 is 01:30 UTC (CET, UTC+1).
    const winter = computeTicks(spec, undefined, at("2024-01-15T00:00:00Z"));
    expect(winter.next).toEqual(at("2024-01-15T01:30:00Z"));
    const nine = { ...sample, schedule: "0 9 * * *", timeZone: "America/New_York" };
    // 09:00 New York is 14:00 UTC in winter (EST) and 13:00 UTC in summer (EDT).
    expect(computeTicks(nine, undefined, at("2024-03-08T00:00:00Z")).next).toEqual(
      at("2024-03-08T14:00:00Z"),
    );
    expect(computeTicks(nine, undefined, at("2024-03-12T00:00:00Z")).next).toEqual(
      at("2024-03-12T13:00:00Z"),
    );
  });

  it("ticks by the second with a 6-field schedule", () => {
    const spec = { ...sample, schedule: "*/10 * * * * *" };
    const t = computeTicks(spec, at("2024-01-01T00:00:00Z"), at("2024-01-01T00:00:25Z"));
    expect(t.due).toEqual(at("2024-01-01T00:00:20Z"));
    expect(t.next).toEqual(at("2024-01-01T00:00:30Z"));
    expect(t.missed).toBe(2);
  });
});

describe("buildJobForTick", () => {
  const tick = at("2024-01-01T00:05:00Z");
  const job = buildJobForTick(cron, tick, CTX);

  it("names the Job after the tick, the same on every controller", () => {
    expect(job.metadata?.name).toBe(`sample-cronjob-${tick.getTime() / 60_000}`);
    expect(buildJobForTick(cron, tick, { tenant: "team-b" }).metadata?.name).toBe(
      job.metadata?.name,
    );
    expect(jobNameForTick("x", tick, "@hourly")).toBe(`x-${tick.getTime() / 60_000}`);
  });

  it("names the Job in unix seconds when the schedule has a seconds field", () => {
    const everyTen = { ...cron, spec: { ...sample, schedule: "*/10 * * * * *" } };
    const secondsTick = at("2024-01-01T00:05:10Z");
    expect(buildJobForTick(everyTen, secondsTick, CTX).metadata?.name).toBe(
      `sample-cronjob-${secondsTick.getTime() / 1000}`,
    );
    expect(jobNameForTick("x", tick, "0 * * * * *")).toBe(`x-${tick.getTime() / 1000}`);
    expect(jobNameForTick("n".repeat(52), tick, "* * * * * *").length).toBeLessThanOrEqual(63);
  });

  it("records the tick, labels and ownership", () => {
    expect(job.metadata?.annotations).toEqual({
      [ANNOTATION_SCHEDULED_TIME]: "2024-01-01T00:05:00.000Z",
    });
    expect(job.metadata?.labels?.[LABEL_TICK]).toBe(String(tick.getTime() / 1000));
    expect(job.metadata?.labels?.["highlander.plexobject.io/kind"]).toBe("cronjob");
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "WorkloadCronJob",
      controller: true,
    });
  });

  it("runs the script with OnFailure and the sample's env and resources", () => {
    const pod = job.spec?.template.spec;
    expect(pod?.restartPolicy).toBe("OnFailure");
    expect(pod?.containers[0].command?.[0]).toBe("/bin/sh");
    expect(pod?.containers[0].env?.map(e => e.name)).toEqual(["CRD_DEFINED", "TEST_ENV"]);
    expect(pod?.containers[0].resources?.limits).toEqual({ cpu: "100m", memory: "64Mi" });
    expect(JSON.stringify(job.spec?.template)).not.toContain("epoch");
  });

  it("maps restartPolicy Always to OnFailure and passes job limits", () => {
    const j = buildJobForTick(
      cr("WorkloadCronJob", "c", {
        ...sample,
        restartPolicy: "Always",
        backoffLimit: 2,
        activeDeadlineSeconds: 60,
      }),
      tick,
      CTX,
    );
    expect(j.spec?.template.spec?.restartPolicy).toBe("OnFailure");
    expect(j.spec?.backoffLimit).toBe(2);
    expect(j.spec?.activeDeadlineSeconds).toBe(60);
  });
});

function job(name: string, scheduled: string, state: "active" | "succeeded" | "failed"): V1Job {
  const conditions =
    state === "active"
      ? []
      : [{ type: state === "succeeded" ? "Complete" : "Failed", status: "True" }];
  return {
    metadata: { name, annotations: { [ANNOTATION_SCHEDULED_TIME]: scheduled } },
    status: { conditions },
  };
}

describe("decideCronAction", () => {
  const due = at("2024-01-01T00:05:00Z");
  const running = job("c-1", "2024-01-01T00:00:00Z", "active");

  it("does nothing when suspended or nothing is due", () => {
    expect(decideCronAction({ ...sample, suspend: true }, [], due).action).toBe("none");
    expect(decideCronAction(sample, [], undefined).action).toBe("none");
  });

  it("creates when nothing runs", () => {
    expect(decideCronAction(sample, [], due)).toMatchObject({
      action: "create",
      recordScheduleTime: true,
    });
  });

  it("Forbid (the default) skips while a run is active, leaving the tick unrecorded", () => {
    expect(decideCronAction(sample, [running], due)).toMatchObject({
      action: "skip",
      recordScheduleTime: false,
    });
  });

  it("Allow creates alongside; Replace deletes the active runs first", () => {
    expect(decideCronAction({ ...sample, concurrencyPolicy: "Allow" }, [running], due).action).toBe(
      "create",
    );
    expect(
      decideCronAction({ ...sample, concurrencyPolicy: "Replace" }, [running], due),
    ).toMatchObject({
      action: "replace",
      jobsToDelete: ["c-1"],
    });
  });

  it("never replaces the run of the same tick", () => {
    const same = job("c-2", "2024-01-01T00:05:00.000Z", "active");
    expect(
      decideCronAction({ ...sample, concurrencyPolicy: "Replace" }, [same], due),
    ).toMatchObject({
      action: "none",
      recordScheduleTime: true,
    });
  });
});

describe("jobsToPrune", () => {
  it("keeps the newest successful and failed runs within their limits", () => {
    const jobs = [
      job("s1", "2024-01-01T00:01:00Z", "succeeded"),
      job("s3", "2024-01-01T00:03:00Z", "succeeded"),
      job("s2", "2024-01-01T00:02:00Z", "succeeded"),
      job("f1", "2024-01-01T00:01:30Z", "failed"),
      job("f2", "2024-01-01T00:02:30Z", "failed"),
      job("a1", "2024-01-01T00:04:00Z", "active"),
    ];
    expect(jobsToPrune(jobs, 2, 1)).toEqual(["s1", "f1"]);
    expect(jobsToPrune(jobs, undefined, undefined)).toEqual(["f1"]);
    expect(jobsToPrune(jobs, 0, 0)).toEqual(["s1", "s2", "s3", "f1", "f2"]);
    expect(jobState(jobs[5])).toBe("active");
  });
});
