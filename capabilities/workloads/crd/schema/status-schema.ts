// The status every kind reports (one shape; the per-kind fields are set only by their kind).
import { str } from "./common-fields";
import type { JSONSchema } from "./json-schema";

function timestamp(description: string): JSONSchema {
  return { type: "string", format: "date-time", description };
}

export function statusSchema(): JSONSchema {
  return {
    type: "object",
    description: "Observed state, written by the leading Highlander controller only.",
    properties: {
      observedGeneration: {
        type: "integer",
        format: "int64",
        description: "The spec generation this status describes.",
      },
      active: { type: "boolean", description: "The workload is running (or scheduling) here." },
      healthy: { type: "boolean", description: "The workload is working as its spec asks." },
      message: str("Human-readable summary."),
      leader: {
        type: "object",
        description:
          "The controller that last changed this status. A new leader that finds the workload as it was writes nothing; the current leader is in `kubectl get leaders`.",
        properties: {
          id: str("Controller id."),
          cluster: str("Cluster name."),
          epoch: {
            type: "integer",
            format: "int64",
            description: "Fencing epoch of its leadership.",
          },
        },
      },
      conditions: {
        type: "array",
        description: "Ready, Active, Healthy, Degraded and InvalidSpec conditions.",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["type"],
        items: {
          type: "object",
          required: ["type", "status", "lastTransitionTime", "reason", "message"],
          properties: {
            type: str("Condition type.", { maxLength: 316 }),
            status: str("True, False or Unknown.", { enum: ["True", "False", "Unknown"] }),
            observedGeneration: { type: "integer", format: "int64", minimum: 0 },
            lastTransitionTime: timestamp("When status last changed."),
            reason: str("CamelCase reason.", { maxLength: 1024 }),
            message: str("Details.", { maxLength: 32768 }),
          },
        },
      },
      podName: str("Process: the pod running the workload."),
      phase: str("Process: the pod phase (Pending, Running, Succeeded, Failed) or GaveUp."),
      restartCount: { type: "integer", format: "int32", description: "Process: restarts so far." },
      lastRestartTime: timestamp("Process: when the controller last re-created the pod."),
      replicas: { type: "integer", format: "int32", description: "Pods that exist." },
      readyReplicas: { type: "integer", format: "int32", description: "Pods that are ready." },
      lastScheduleTime: timestamp("Cron: the most recent scheduled run."),
      nextScheduleTime: timestamp("Cron: the next scheduled run."),
      lastSuccessfulTime: timestamp("Cron: when the last successful run finished."),
      lastFailedTime: timestamp("Cron: when the last failed run finished."),
      activeJobs: {
        type: "array",
        description: "Cron: Jobs that are still running.",
        items: {
          type: "object",
          properties: { name: str("Job name."), scheduledTime: timestamp("Tick the Job is for.") },
        },
      },
    },
  };
}
