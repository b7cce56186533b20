// Spec fields every workload kind accepts: the predecessor's container fields (image, script, env map,
// resources, config-file extras) plus what production pods need. Deep core-Kubernetes subtrees
// (valueFrom, affinity, security contexts, probes, volume sources) keep their unknown fields rather than
// copying the whole core schema here; the API server still validates them when our controller writes
// the child Pod/Deployment/StatefulSet.
import type { JSONSchema } from "./json-schema";

/** Fields the CEL rules below read must have bounded sizes, or the API server rejects the CRD (cost). */
const NAME_MAX = 253;

export const RESERVED_LABEL_PREFIX = "highlander.plexobject.io/";

/** A Go `time.Duration` string such as "30s", "1m30s", "250ms" or "0". */
export const DURATION_PATTERN = "^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$";

/** RFC 1123 label: container, port-less volume and sidecar names. */
export const DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

/** RFC 1035 label: Service names must also start with a letter. */
export const DNS1035_LABEL_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

export function str(description: string, extra: JSONSchema = {}): JSONSchema {
  return { type: "string", description, ...extra };
}

export function int(description: string, extra: JSONSchema = {}): JSONSchema {
  return { type: "integer", format: "int32", description, ...extra };
}

export function stringMap(description: string, extra: JSONSchema = {}): JSONSchema {
  return {
    type: "object",
    description,
    additionalProperties: { type: "string" },
    maxProperties: 256,
    ...extra,
  };
}

export function stringList(description: string, extra: JSONSchema = {}): JSONSchema {
  return { type: "array", description, items: { type: "string" }, maxItems: 256, ...extra };
}

/** A core-type subtree we pass through to Kubernetes untouched (validated when the child is written). */
export function coreObject(description: string): JSONSchema {
  return { type: "object", description, "x-kubernetes-preserve-unknown-fields": true };
}

export function duration(description: string): JSONSchema {
  return str(`${description} A Go duration string such as "30s", "1m30s" or "2h".`, {
    maxLength: 64,
    "x-kubernetes-validations": [
      {
        rule: `self.matches('${DURATION_PATTERN.replace(/\\/g, "\\\\")}')`,
        message: 'must be a duration such as "30s", "1m30s", "2h" or "0"',
      },
    ],
  });
}

export function quantity(description: string): JSONSchema {
  return str(description, {
    maxLength: 64,
    "x-kubernetes-validations": [
      {
        rule: "isQuantity(self)",
        message: "must be a Kubernetes quantity such as 100m, 0.5, 64Mi or 1Gi",
      },
    ],
  });
}

/** The predecessor's resource shape: four optional quantity strings, request not above its limit. */
export function resourcesSchema(): JSONSchema {
  const notAbove = (req: string, lim: string, what: string) => ({
    rule:
      `!has(self.${req}) || !has(self.${lim}) || !isQuantity(self.${req}) || ` +
      `!isQuantity(self.${lim}) || quantity(self.${req}).compareTo(quantity(self.${lim})) <= 0`,
    message: `${req} must not exceed ${lim} (${what} request above its limit)`,
  });
  return {
    type: "object",
    description: "Container requests and limits, as quantity strings.",
    properties: {
      cpuRequest: quantity("CPU request, e.g. 100m."),
      memoryRequest: quantity("Memory request, e.g. 64Mi."),
      cpuLimit: quantity("CPU limit, e.g. 500m."),
      memoryLimit: quantity("Memory limit, e.g. 128Mi."),
    },
    "x-kubernetes-validations": [
      notAbove("cpuRequest", "cpuLimit", "CPU"),
      notAbove("memoryRequest", "memoryLimit", "memory"),
    ],
  };
}

function envVarList(): JSONSchema {
  return {
    type: "array",
    description:
      "Extra environment variables in core Kubernetes EnvVar form (value or valueFrom), added to the " +
      "`env` map. A name may appear in only one of `env` and `extraEnv`.",
    maxItems: 256,
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["name"],
    items: {
      type: "object",
      required: ["name"],
      properties: {
        name: str("Variable name.", { minLength: 1, maxLength: NAME_MAX }),
        value: str("Literal value."),
        valueFrom: coreObject(
          "Core EnvVarSource: fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef.",
        ),
      },
      "x-kubernetes-validations": [
        {
          rule: "!(has(self.value) && has(self.valueFrom))",
          message: "set either value or valueFrom, not both",
        },
      ],
    },
  };
}

function envFromList(): JSONSchema {
  const ref = (what: string): JSONSchema => ({
    type: "object",
    required: ["name"],
    properties: {
      name: str(`${what} name.`, { minLength: 1, maxLength: NAME_MAX }),
      optional: { type: "boolean", description: `Start even if the ${what} is missing.` },
    },
  });
  return {
    type: "array",
    description:
      "Import every key of a ConfigMap or Secret as environment variables (core EnvFromSource).",
    maxItems: 64,
    items: {
      type: "object",
      properties: {
        prefix: str("Prefix added to every imported variable name.", { maxLength: NAME_MAX }),
        configMapRef: ref("ConfigMap"),
        secretRef: ref("Secret"),
      },
      "x-kubernetes-validations": [
        {
          rule: "has(self.configMapRef) != has(self.secretRef)",
          message: "each envFrom entry needs exactly one of configMapRef or secretRef",
        },
      ],
    },
  };
}

function volumeMounts(description: string): JSONSchema {
  return {
    type: "array",
    description,
    maxItems: 64,
    items: {
      type: "object",
      required: ["name", "mountPath"],
      properties: {
        name: str("Name of a volume of this workload.", { minLength: 1, maxLength: 63 }),
        mountPath: str("Absolute path inside the container.", { pattern: "^/", maxLength: 4096 }),
        readOnly: { type: "boolean" },
        subPath: str("Sub-path of the volume to mount.", { maxLength: 4096 }),
      },
    },
  };
}

const PULL_POLICY: JSONSchema = str("Core imagePullPolicy.", {
  enum: ["Always", "IfNotPresent", "Never"],
});

function sidecars(): JSONSchema {
  return {
    type: "array",
    description: "Extra containers beside the main one (the predecessor's sidecars).",
    maxItems: 16,
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["name"],
    items: {
      type: "object",
      required: ["name", "image"],
      properties: {
        name: str("Container name (must not be `main`).", {
          pattern: DNS_LABEL_PATTERN,
          maxLength: 63,
        }),
        image: str("Sidecar image.", { minLength: 1, maxLength: 1024 }),
        imagePullPolicy: PULL_POLICY,
        command: stringList("Entrypoint override."),
        args: stringList("Arguments."),
        env: stringMap("Environment variables, name to value."),
        extraEnv: envVarList(),
        resources: resourcesSchema(),
        volumeMounts: volumeMounts("Mounts of this workload's volumes into the sidecar."),
        securityContext: coreObject("Core container SecurityContext."),
      },
      "x-kubernetes-validations": [
        { rule: "self.name != 'main'", message: "sidecar name `main` is reserved" },
      ],
    },
  };
}

function tolerations(): JSONSchema {
  return {
    type: "array",
    description: "Core pod tolerations.",
    maxItems: 64,
    items: {
      type: "object",
      properties: {
        key: str("Taint key; empty with operator Exists matches every taint.", { maxLength: 316 }),
        operator: str("Exists or Equal (default Equal).", { enum: ["Exists", "Equal"] }),
        value: str("Taint value (operator Equal).", { maxLength: 63 }),
        effect: str("Taint effect to tolerate; empty tolerates all.", {
          enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"],
        }),
        tolerationSeconds: {
          type: "integer",
          format: "int64",
          description: "How long a NoExecute taint is tolerated.",
        },
      },
    },
  };
}

function nameList(description: string): JSONSchema {
  return {
    type: "array",
    description,
    maxItems: 32,
    "x-kubernetes-list-type": "set",
    items: {
      type: "string",
      minLength: 1,
      maxLength: NAME_MAX,
      pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
    },
  };
}

/** Spec properties shared by all four kinds. */
export function commonSpecProperties(): Record<string, JSONSchema> {
  return {
    image: str("Main container image (required).", { minLength: 1, maxLength: 1024 }),
    imagePullPolicy: PULL_POLICY,
    script: {
      type: "object",
      description:
        "Shell commands joined with newlines and run as `shell -c script` (the predecessor's script; " +
        "with `set -e` first unless errexit is false). " +
        "Mutually exclusive with command/args.",
      required: ["commands"],
      properties: {
        commands: stringList("Commands, one per line of the script.", { minItems: 1 }),
        shell: str("The shell that runs the script.", {
          default: "/bin/sh",
          minLength: 1,
          maxLength: 1024,
        }),
        errexit: {
          type: "boolean",
          description:
            "Stop at the first failing command: the script starts with `set -e`, as the predecessor's did " +
            "(absent: true). false runs every command whatever the earlier ones returned.",
        },
      },
    },
    command: stringList("Container entrypoint (alternative to script)."),
    args: stringList("Container arguments (alternative to script)."),
    env: stringMap("Environment variables, name to value (the predecessor's map form)."),
    extraEnv: envVarList(),
    envFrom: envFromList(),
    resources: resourcesSchema(),
    imagePullSecrets: {
      type: "array",
      description: "Secrets for pulling images (core LocalObjectReference list).",
      maxItems: 32,
      items: {
        type: "object",
        required: ["name"],
        properties: { name: str("Secret name.", { minLength: 1, maxLength: NAME_MAX }) },
      },
    },
    serviceAccountName: str("Service account the pods run as.", {
      maxLength: NAME_MAX,
      pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
    }),
    priorityClassName: str("Pod priority class.", { maxLength: NAME_MAX }),
    nodeSelector: stringMap("Node labels the pods must match."),
    tolerations: tolerations(),
    affinity: coreObject("Core pod Affinity."),
    podSecurityContext: coreObject("Core PodSecurityContext for the pods."),
    securityContext: coreObject("Core SecurityContext for the main container."),
    readinessProbe: coreObject("Core Probe; overrides the probe derived from healthCheckPath."),
    livenessProbe: coreObject("Core Probe; overrides the probe derived from healthCheckPath."),
    startupProbe: coreObject("Core Probe for the main container."),
    predecessorNames: {
      type: "boolean",
      description:
        "k8-highlander's names: a WorkloadProcess's pod is <name>-pod, and pods also carry app=<name> and " +
        "managed-by=k8-highlander. Fixed at creation (default false; true for config-file workloads).",
    },
    podLabels: stringMap(
      "Extra labels on the pods (keys under highlander.plexobject.io/ are reserved).",
      {
        "x-kubernetes-validations": [
          {
            rule: `self.all(k, !k.startsWith('${RESERVED_LABEL_PREFIX}'))`,
            message: `podLabels must not use the reserved prefix ${RESERVED_LABEL_PREFIX}`,
          },
        ],
      },
    ),
    podAnnotations: stringMap("Extra annotations on the pods."),
    terminationGracePeriodSeconds: {
      type: "integer",
      format: "int64",
      minimum: 0,
      description: "Seconds the pods get to stop after SIGTERM.",
    },
    sidecars: sidecars(),
    configMaps: nameList("ConfigMaps mounted read-only at /etc/config/NAME (predecessor field)."),
    secrets: nameList("Secrets mounted read-only at /etc/secrets/NAME (predecessor field)."),
    volumes: {
      type: "array",
      description: "Extra pod volumes in core Volume form (name plus one volume source).",
      maxItems: 64,
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: {
        type: "object",
        required: ["name"],
        "x-kubernetes-preserve-unknown-fields": true,
        properties: { name: str("Volume name.", { pattern: DNS_LABEL_PATTERN, maxLength: 63 }) },
      },
    },
    volumeMounts: volumeMounts("Mounts of `volumes` into the main container."),
  };
}

/** CEL rules on the spec object that every kind carries. */
export function commonSpecRules(): JSONSchema["x-kubernetes-validations"] {
  return [
    {
      rule: "!has(self.script) || (!has(self.command) && !has(self.args))",
      message: "script and command/args are mutually exclusive: use one of them",
    },
    {
      rule: "!has(self.env) || !has(self.extraEnv) || self.extraEnv.all(e, !(e.name in self.env))",
      message: "a variable name may appear in only one of env and extraEnv",
    },
    {
      // Renaming the pod of a running singleton would leave the old one running beside the new.
      rule:
        "(has(self.predecessorNames) && self.predecessorNames) == " +
        "(has(oldSelf.predecessorNames) && oldSelf.predecessorNames)",
      message:
        "predecessorNames is fixed at creation: delete and recreate the workload to change it",
    },
  ];
}
