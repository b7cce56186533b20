// One batch/v1 Job per schedule tick. The name is derived from the tick alone, so every controller
// (old leader, new leader, other cluster) computes the same name and the API server's AlreadyExists
// stops a tick from running twice.
import type { V1Job } from "@kubernetes/client-node";
import type { WorkloadCronJobSpec, WorkloadObject } from "../../crd/types";
import type { BuildContext } from "../../controllers/common/context";
import { childMetadata, crName } from "../../controllers/common/labels";
import { buildPodTemplate } from "../../controllers/common/pod-template";
import { tickNumber } from "./schedule";
import { cronjobNames } from "./names";

export type CronJobCR = WorkloadObject<WorkloadCronJobSpec>;

/** Annotation: the tick (RFC 3339) a Job runs for. */
export const ANNOTATION_SCHEDULED_TIME = "highlander.plexobject.io/scheduled-time";
/** Label: the tick as unix seconds, so jobs can be listed per tick. */
export const LABEL_TICK = "highlander.plexobject.io/tick";

export function cronSpec(cr: CronJobCR): WorkloadCronJobSpec {
  if (!cr.spec) throw new Error(`WorkloadCronJob ${crName(cr)} has no spec`);
  return cr.spec;
}

/**
 * `<name>-<tick>`, the tick in unix minutes (unix seconds for a schedule with a seconds field); the
 * CRD caps names at 52 characters so this fits 63 even with unix seconds.
 */
export function jobNameForTick(name: string, tick: Date, schedule: string): string {
  const suffix = `-${tickNumber(tick, schedule)}`;
  return `${name.slice(0, 63 - suffix.length).replace(/[-.]+$/, "")}${suffix}`;
}

/** Job pods cannot use Always: the predecessor accepted it for cron jobs, so it means OnFailure. */
function jobRestartPolicy(spec: WorkloadCronJobSpec): "OnFailure" | "Never" {
  return spec.restartPolicy === "Never" ? "Never" : "OnFailure";
}

export function buildJobForTick(cr: CronJobCR, tickTime: Date, ctx: BuildContext): V1Job {
  const spec = cronSpec(cr);
  const name = crName(cr);
  const tickLabels = { [LABEL_TICK]: String(Math.floor(tickTime.getTime() / 1000)) };
  const jobSpec: V1Job["spec"] = {
    template: buildPodTemplate(name, cronjobNames.type, ctx.tenant, spec, {
      restartPolicy: jobRestartPolicy(spec),
    }),
  };
  if (spec.backoffLimit !== undefined) jobSpec.backoffLimit = spec.backoffLimit;
  if (spec.activeDeadlineSeconds !== undefined) {
    jobSpec.activeDeadlineSeconds = spec.activeDeadlineSeconds;
  }
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: childMetadata(cr, cronjobNames, ctx, jobNameForTick(name, tickTime, spec.schedule), {
      labels: tickLabels,
      annotations: { [ANNOTATION_SCHEDULED_TIME]: tickTime.toISOString() },
    }),
    spec: jobSpec,
  };
}
