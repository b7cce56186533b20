// Spec fields specific to each workload kind, and the status every kind reports.
import {
  DNS1035_LABEL_PATTERN,
  DNS_LABEL_PATTERN,
  duration,
  int,
  quantity,
  str,
} from "./common-fields";
import { CONFIG_MOUNT_ROOT, SECRET_MOUNT_ROOT } from "../../controllers/common/volumes";
import type { CelRule, JSONSchema } from "./json-schema";

const PORT = { minimum: 1, maximum: 65535 };

function restartPolicy(defaultValue: string, meaning: string): JSONSchema {
  return str(`Always, OnFailure or Never (default ${defaultValue}). ${meaning}`, {
    enum: ["Always", "OnFailure", "Never"],
    default: defaultValue,
  });
}

export function processSpecProperties(): Record<string, JSONSchema> {
  return {
    restartPolicy: restartPolicy(
      "Never",
      "Always/OnFailure let the controller re-create the pod after it ends (Always: whatever the " +
        "exit code; OnFailure: only after a failure), within maxRestarts.",
    ),
    maxRestarts: int("Restart budget; the controller gives up after this many restarts.", {
      minimum: 0,
      default: 5,
    }),
    gracePeriod: duration("gracePeriod", "How long the pod gets to stop after SIGTERM."),
  };
}

export function processSpecRules(): CelRule[] {
  return [
    {
      rule: "!has(self.gracePeriod) || !has(self.terminationGracePeriodSeconds)",
      message: "set gracePeriod or terminationGracePeriodSeconds, not both",
    },
  ];
}

export function cronSpecProperties(): Record<string, JSONSchema> {
  return {
    schedule: str(
      "Cron schedule: 5 fields (minute hour day-of-month month day-of-week) or a macro such as " +
        "@hourly. The full expression is checked by the controller.",
      {
        minLength: 1,
        maxLength: 256,
        "x-kubernetes-validations": [
          {
            rule: "self.matches('^\\\\s*(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\\\S+(\\\\s+\\\\S+){4,5})\\\\s*$')",
            message:
              "schedule must be a cron expression with 5 fields (minute hour day-of-month month " +
              "day-of-week), e.g. '*/5 * * * *', or a macro such as @hourly",
          },
          {
            rule: "!self.contains('TZ=')",
            message: "put the time zone in spec.timeZone, not in the schedule",
          },
        ],
      },
    ),
    timeZone: str("IANA time zone name for the schedule, e.g. Europe/Berlin (default UTC).", {
      minLength: 1,
      maxLength: 64,
    }),
    concurrencyPolicy: str("What to do when a run is due while the previous one still runs.", {
      enum: ["Allow", "Forbid", "Replace"],
      default: "Forbid",
    }),
    suspend: { type: "boolean", description: "Stop scheduling new runs.", default: false },
    startingDeadlineSeconds: {
      type: "integer",
      format: "int64",
      minimum: 0,
      description: "A run that could not start within this many seconds of its time is skipped.",
    },
    successfulJobsHistoryLimit: int("Finished successful Jobs to keep.", {
      minimum: 0,
      default: 3,
    }),
    failedJobsHistoryLimit: int("Failed Jobs to keep.", { minimum: 0, default: 1 }),
    backoffLimit: int("Pod retries within one Job run (Job backoffLimit).", { minimum: 0 }),
    activeDeadlineSeconds: {
      type: "integer",
      format: "int64",
      minimum: 1,
      description: "A run still going after this many seconds is stopped and marked failed.",
    },
    restartPolicy: restartPolicy(
      "OnFailure",
      "Job pods cannot use Always: it is treated as OnFailure.",
    ),
  };
}

function portsSchema(): JSONSchema {
  return {
    type: "array",
    description: "Container ports, each published by the workload's Service.",
    maxItems: 32,
    items: {
      type: "object",
      required: ["containerPort"],
      properties: {
        name: str("Port name (IANA service name; default port-CONTAINERPORT).", {
          pattern: DNS_LABEL_PATTERN,
          maxLength: 15,
          "x-kubernetes-validations": [
            {
              rule: "self.matches('[a-z]') && !self.contains('--')",
              message:
                "ports[].name must be an IANA service name: at most 15 lower-case letters, digits " +
                "and '-', with at least one letter, no '--' and no '-' at either end",
            },
          ],
        }),
        containerPort: int("Port the container listens on.", PORT),
        servicePort: int("Port the Service exposes (default: containerPort).", PORT),
        protocol: str("TCP, UDP or SCTP.", { enum: ["TCP", "UDP", "SCTP"], default: "TCP" }),
      },
    },
    "x-kubernetes-validations": [
      {
        rule: "self.all(p, self.filter(q, q.containerPort == p.containerPort).size() == 1)",
        message: "each containerPort may appear only once",
      },
      {
        rule: "self.all(p, !has(p.name) || self.filter(q, has(q.name) && q.name == p.name).size() == 1)",
        message: "port names must be unique",
      },
      {
        rule:
          "self.all(p, self.filter(q, (has(q.servicePort) ? q.servicePort : q.containerPort) == " +
          "(has(p.servicePort) ? p.servicePort : p.containerPort)).size() == 1)",
        message: "each servicePort (default: its containerPort) may appear only once",
      },
    ],
  };
}

/** Fields of the two long-running kinds (Deployment- and StatefulSet-backed). */
export function replicatedSpecProperties(): Record<string, JSONSchema> {
  return {
    replicas: int("Desired pods (0 stops the workload).", { minimum: 0 }),
    ports: portsSchema(),
    healthCheckPath: str("HTTP path for readiness and liveness probes, e.g. /healthz.", {
      maxLength: 1024,
      "x-kubernetes-validations": [
        { rule: "self.startsWith('/')", message: "healthCheckPath must start with /" },
      ],
    }),
    healthCheckPort: int("Port of the health check (default: the first containerPort).", PORT),
    readinessTimeout: duration(
      "readinessTimeout",
      "How long a rollout may take to become ready before it is reported failed.",
    ),
  };
}

export function replicatedSpecRules(): CelRule[] {
  return [
    {
      rule: "!has(self.healthCheckPath) || has(self.healthCheckPort) || (has(self.ports) && size(self.ports) > 0)",
      message: "healthCheckPath needs healthCheckPort or at least one entry in ports",
    },
  ];
}

export function serviceSpecProperties(): Record<string, JSONSchema> {
  return {
    ...replicatedSpecProperties(),
    strategy: str(
      "Deployment update strategy: Recreate (default; old pods stop before new ones start) or " +
        "RollingUpdate with maxSurge 0 (still never more pods than replicas).",
      { enum: ["Recreate", "RollingUpdate"], default: "Recreate" },
    ),
  };
}

export function persistentSpecProperties(): Record<string, JSONSchema> {
  return {
    ...replicatedSpecProperties(),
    serviceName: str("The StatefulSet's headless Service (default: the workload name).", {
      pattern: DNS1035_LABEL_PATTERN,
      maxLength: 63,
    }),
    persistentVolumes: {
      type: "array",
      description: "One PersistentVolumeClaim template per entry, mounted at mountPath.",
      maxItems: 16,
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: {
        type: "object",
        required: ["name", "mountPath", "size"],
        properties: {
          name: str("Claim template name.", { pattern: DNS_LABEL_PATTERN, maxLength: 63 }),
          mountPath: str("Absolute path inside the main container.", {
            pattern: "^/",
            maxLength: 1024,
          }),
          size: quantity("persistentVolumes[].size", "Requested storage, e.g. 1Gi.", {
            positive: true,
          }),
          storageClassName: str("Storage class (default: the cluster's default class).", {
            maxLength: 253,
          }),
          accessModes: {
            type: "array",
            description: "Access modes (default [ReadWriteOnce]).",
            maxItems: 4,
            items: {
              type: "string",
              enum: ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"],
            },
          },
        },
      },
      "x-kubernetes-validations": [
        {
          rule: "self.all(v, self.exists_one(w, w.mountPath == v.mountPath))",
          message: "persistentVolumes: each mountPath may appear only once",
        },
      ],
    },
  };
}

/** Rules across a persistent set's claim mounts and the main container's other mounts. */
export function persistentSpecRules(): CelRule[] {
  return [
    {
      rule:
        "!has(self.persistentVolumes) || self.persistentVolumes.all(v, " +
        "!(has(self.volumeMounts) && self.volumeMounts.exists(m, m.mountPath == v.mountPath)) && " +
        `!(has(self.configMaps) && self.configMaps.exists(c, v.mountPath == '${CONFIG_MOUNT_ROOT}/' + c)) && ` +
        `!(has(self.secrets) && self.secrets.exists(s, v.mountPath == '${SECRET_MOUNT_ROOT}/' + s)))`,
      message:
        "persistentVolumes[].mountPath must differ from every volumeMounts[].mountPath and from the " +
        `configMaps (${CONFIG_MOUNT_ROOT}/NAME) and secrets (${SECRET_MOUNT_ROOT}/NAME) mounts`,
    },
  ];
}

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
        description: "The controller that wrote this status.",
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
