// Spec fields every workload kind accepts: the predecessor's container fields (image, script, env map,
// resources, config-file extras) plus what production pods need. Deep core-Kubernetes subtrees
// (valueFrom, affinity, security contexts, probes, volume sources) keep their unknown fields rather than
// copying the whole core schema here; the API server still validates them when our controller writes
// the child Pod/Deployment/StatefulSet.
import type { CommonSpec } from "../types";
import {
  CONFIG_MOUNT_ROOT as CONFIG_ROOT,
  SECRET_MOUNT_ROOT as SECRET_ROOT,
} from "../../controllers/common/volumes";
import { DEFAULT_SHELL } from "../../controllers/common/pod-template";
import type { CelRule, JSONSchema, SchemaFor, TypedSchema } from "./json-schema";

/** Fields the CEL rules below read must have bounded sizes, or the API server rejects the CRD (cost). */
const NAME_MAX = 253;

export const RESERVED_LABEL_PREFIX = "highlander.plexobject.io/";

/** A Go `time.Duration` string such as "30s", "1m30s", "250ms" or "0". */
const DURATION_PATTERN = "^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$";

/** RFC 1123 label: container, port-less volume and sidecar names. */
export const DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

/** RFC 1035 label: Service names must also start with a letter. */
export const DNS1035_LABEL_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

export function str(
  description: string,
  extra: Omit<JSONSchema, "type"> = {},
): TypedSchema<"string"> {
  return { type: "string", description, ...extra };
}

export function int(
  description: string,
  extra: Omit<JSONSchema, "type"> = {},
): TypedSchema<"integer"> {
  return { type: "integer", format: "int32", description, ...extra };
}

function stringMap(
  description: string,
  extra: Omit<JSONSchema, "type"> = {},
): TypedSchema<"object"> {
  return {
    type: "object",
    description,
    additionalProperties: { type: "string" },
    maxProperties: 256,
    ...extra,
  };
}

function stringList(
  description: string,
  extra: Omit<JSONSchema, "type"> = {},
): TypedSchema<"array"> {
  return { type: "array", description, items: { type: "string" }, maxItems: 256, ...extra };
}

/** restartPolicy of the pods a kind runs (process and cron job differ only in the default). */
export function restartPolicy(defaultValue: string, meaning: string): TypedSchema<"string"> {
  return str(`Always, OnFailure or Never (default ${defaultValue}). ${meaning}`, {
    enum: ["Always", "OnFailure", "Never"],
    default: defaultValue,
  });
}

/** A core-type subtree we pass through to Kubernetes untouched (validated when the child is written). */
function coreObject(description: string): TypedSchema<"object"> {
  return { type: "object", description, "x-kubernetes-preserve-unknown-fields": true };
}

export function duration(field: string, description: string): TypedSchema<"string"> {
  return str(`${description} A Go duration string such as "30s", "1m30s" or "2h".`, {
    maxLength: 64,
    "x-kubernetes-validations": [
      {
        rule: `self.matches('${DURATION_PATTERN.replace(/\\/g, "\\\\")}')`,
        message: `${field} must be a duration such as "30s", "1m30s", "2h" or "0"`,
      },
    ],
  });
}

/** A regular expression as a CEL single-quoted string literal (backslashes doubled). */
export function celRegex(re: string): string {
  return `'${re.replace(/\\/g, "\\\\")}'`;
}

/**
 * What the API server accepts as an environment variable name since Kubernetes 1.32 (relaxed
 * validation, GA in 1.34): one or more printable ASCII characters other than '='.
 */
export const ENV_NAME_PATTERN = "^[ -<>-~]+$";

/** Label (and annotation) key: optional DNS-1123 subdomain prefix and '/', then a 63-character name. */
export const LABEL_KEY_PATTERN =
  "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?" +
  "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

/** Label value: empty, or up to 63 alphanumerics, '-', '_' and '.', starting and ending alphanumeric. */
export const LABEL_VALUE_PATTERN = "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$";

/**
 * An image reference whose repository path is lower-case: an optional first component (the registry
 * host, which may be upper-case, as the reference grammar allows), the path, an optional tag and digest.
 */
export const IMAGE_CASE_PATTERN = "^([^/]+/)?[^A-Z:@]+(:[^/:@]+)?(@[^/@]+)?$";

/** Linux MAX_ARG_STRLEN: one argument to execve, NUL included, may be at most 128 KiB. */
const MAX_ARG_BYTES = 131072;

/** The API server allows 256 KiB of annotations on an object; Highlander adds a few of its own. */
const MAX_POD_ANNOTATION_CHARS = 255 * 1024;

export interface QuantityOptions {
  /** Refuse zero as well as negative values (claim sizes). */
  positive?: boolean;
}

/** A quantity string; `field` is how the messages name it. Negative values are refused. */
export function quantity(
  field: string,
  description: string,
  opts: QuantityOptions = {},
): TypedSchema<"string"> {
  return str(description, {
    maxLength: 64,
    "x-kubernetes-validations": [
      {
        rule: "isQuantity(self)",
        message: `${field} must be a Kubernetes quantity such as 100m, 0.5, 64Mi or 1Gi`,
      },
      opts.positive
        ? {
            rule: "!isQuantity(self) || quantity(self).isGreaterThan(quantity('0'))",
            message: `${field} must be greater than zero`,
          }
        : {
            rule: "!isQuantity(self) || !quantity(self).isLessThan(quantity('0'))",
            message: `${field} must not be negative`,
          },
    ],
  });
}

/** A container image reference: no whitespace, lower-case repository path. */
function imageSchema(field: string, description: string): TypedSchema<"string"> {
  return str(description, {
    minLength: 1,
    maxLength: 1024,
    "x-kubernetes-validations": [
      {
        rule: `!self.matches(${celRegex("\\s")})`,
        message: `${field} must not contain whitespace`,
      },
      {
        rule: `self.matches(${celRegex(IMAGE_CASE_PATTERN)})`,
        message:
          `${field} must be an image reference with a lower-case repository path ` +
          "(only the registry host, the tag and the digest may contain upper-case letters)",
      },
    ],
  });
}

/** The predecessor's env map form, with names the API server accepts. */
function envMap(field: string, description: string): TypedSchema<"object"> {
  return stringMap(description, {
    "x-kubernetes-validations": [
      {
        rule: `self.all(k, k.matches(${celRegex(ENV_NAME_PATTERN)}))`,
        message: `${field} names must be printable ASCII characters other than '=' (for example MY_VAR)`,
      },
    ],
  });
}

/** A map of label keys to label values (podLabels, nodeSelector); `field` names it in messages. */
function labelMap(
  field: string,
  description: string,
  extraRules: CelRule[] = [],
): TypedSchema<"object"> {
  return {
    type: "object",
    description,
    additionalProperties: {
      type: "string",
      maxLength: 63,
      "x-kubernetes-validations": [
        {
          rule: `self.matches(${celRegex(LABEL_VALUE_PATTERN)})`,
          message:
            `${field} values must be label values: empty, or at most 63 letters, digits, '-', '_' ` +
            "and '.', starting and ending with a letter or digit",
        },
      ],
    },
    maxProperties: 256,
    "x-kubernetes-validations": [
      {
        rule:
          `self.all(k, k.matches(${celRegex(LABEL_KEY_PATTERN)}) && ` +
          "(!k.contains('/') || k.indexOf('/') <= 253))",
        message:
          `${field} keys must be label keys: an optional DNS subdomain prefix of at most 253 ` +
          "characters and '/', then a name of at most 63 letters, digits, '-', '_' and '.', " +
          "starting and ending with a letter or digit",
      },
      ...extraRules,
    ],
  };
}

/** The predecessor's resource shape: four optional quantity strings, request not above its limit. */
function resourcesSchema(): TypedSchema<"object"> {
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
      cpuRequest: quantity("cpuRequest", "CPU request, e.g. 100m."),
      memoryRequest: quantity("memoryRequest", "Memory request, e.g. 64Mi."),
      cpuLimit: quantity("cpuLimit", "CPU limit, e.g. 500m."),
      memoryLimit: quantity("memoryLimit", "Memory limit, e.g. 128Mi."),
    },
    "x-kubernetes-validations": [
      notAbove("cpuRequest", "cpuLimit", "CPU"),
      notAbove("memoryRequest", "memoryLimit", "memory"),
    ],
  };
}

function envVarList(): TypedSchema<"array"> {
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
        name: str("Variable name.", {
          minLength: 1,
          maxLength: NAME_MAX,
          "x-kubernetes-validations": [
            {
              rule: `self.matches(${celRegex(ENV_NAME_PATTERN)})`,
              message: "extraEnv[].name must be printable ASCII characters other than '='",
            },
          ],
        }),
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

function envFromList(): TypedSchema<"array"> {
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
        prefix: str("Prefix added to every imported variable name.", {
          maxLength: NAME_MAX,
          "x-kubernetes-validations": [
            {
              rule: `self == '' || self.matches(${celRegex(ENV_NAME_PATTERN)})`,
              message: "envFrom[].prefix must be printable ASCII characters other than '='",
            },
          ],
        }),
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

/**
 * Container mounts. The uniqueness rule costs items² × path length, within the API server's CEL budget
 * only with these bounds (64 mounts in the main container, 16 per sidecar, 1024-character paths).
 */
function volumeMounts(description: string, maxItems: number): TypedSchema<"array"> {
  return {
    type: "array",
    description,
    maxItems,
    items: {
      type: "object",
      required: ["name", "mountPath"],
      properties: {
        name: str("Name of a volume of this workload.", { minLength: 1, maxLength: 63 }),
        mountPath: str("Absolute path inside the container.", { pattern: "^/", maxLength: 1024 }),
        readOnly: { type: "boolean" },
        subPath: str("Sub-path of the volume to mount.", { maxLength: 4096 }),
      },
    },
    "x-kubernetes-validations": [
      {
        rule: "self.all(m, self.exists_one(n, n.mountPath == m.mountPath))",
        message: "volumeMounts: each mountPath may appear only once in a container",
      },
    ],
  };
}

const PULL_POLICY = str("Core imagePullPolicy.", {
  enum: ["Always", "IfNotPresent", "Never"],
});

function sidecars(): TypedSchema<"array"> {
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
        image: imageSchema("sidecars[].image", "Sidecar image."),
        imagePullPolicy: PULL_POLICY,
        command: stringList("Entrypoint override."),
        args: stringList("Arguments."),
        env: envMap("sidecars[].env", "Environment variables, name to value."),
        extraEnv: envVarList(),
        resources: resourcesSchema(),
        volumeMounts: volumeMounts("Mounts of this workload's volumes into the sidecar.", 16),
        securityContext: coreObject("Core container SecurityContext."),
      },
      "x-kubernetes-validations": [
        { rule: "self.name != 'main'", message: "sidecar name `main` is reserved" },
      ],
    },
  };
}

function tolerations(): TypedSchema<"array"> {
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

function nameList(description: string): TypedSchema<"array"> {
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
export function commonSpecProperties(): SchemaFor<CommonSpec> {
  return {
    image: imageSchema("image", "Main container image (required)."),
    imagePullPolicy: PULL_POLICY,
    script: {
      type: "object",
      description:
        "Shell commands joined with newlines and run as `shell -c script` (the predecessor's script; " +
        "with `set -e` first unless errexit is false). " +
        "Mutually exclusive with command/args.",
      required: ["commands"],
      properties: {
        commands: stringList("Commands, one per line of the script.", {
          minItems: 1,
          items: { type: "string", maxLength: MAX_ARG_BYTES - 1 },
        }),
        shell: str("The shell that runs the script.", {
          default: DEFAULT_SHELL,
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
      "x-kubernetes-validations": [
        {
          // The lines joined with newlines are one argument of `shell -c`, NUL-terminated. Counted in
          // characters (size() costs nothing; bytes() of every line is over the CEL budget): exact for
          // ASCII, while a script of multi-byte characters can still pass and fail at exec.
          rule: `self.commands.map(c, size(c)).sum() + size(self.commands) <= ${MAX_ARG_BYTES}`,
          message:
            `script.commands joined with newlines must be under ${MAX_ARG_BYTES} characters (128 KiB, ` +
            "the most Linux passes as one argument): put a longer script in a ConfigMap",
        },
      ],
    },
    command: stringList("Container entrypoint (alternative to script)."),
    args: stringList("Container arguments (alternative to script)."),
    env: envMap("env", "Environment variables, name to value (the predecessor's map form)."),
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
    nodeSelector: labelMap("nodeSelector", "Node labels the pods must match."),
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
    podLabels: labelMap(
      "podLabels",
      "Extra labels on the pods (keys under highlander.plexobject.io/ are reserved).",
      [
        {
          rule: `self.all(k, !k.startsWith('${RESERVED_LABEL_PREFIX}'))`,
          message: `podLabels must not use the reserved prefix ${RESERVED_LABEL_PREFIX}`,
        },
      ],
    ),
    podAnnotations: stringMap("Extra annotations on the pods.", {
      additionalProperties: { type: "string", maxLength: MAX_POD_ANNOTATION_CHARS },
      "x-kubernetes-validations": [
        {
          rule:
            `self.all(k, k.matches(${celRegex(LABEL_KEY_PATTERN)}) && ` +
            "(!k.contains('/') || k.indexOf('/') <= 253))",
          message:
            "podAnnotations keys must be qualified names: an optional DNS subdomain prefix and '/', " +
            "then a name of at most 63 letters, digits, '-', '_' and '.'",
        },
        {
          rule: `self.map(k, size(k) + size(self[k])).sum() <= ${MAX_POD_ANNOTATION_CHARS}`,
          message: `podAnnotations must total at most ${MAX_POD_ANNOTATION_CHARS / 1024} KiB (keys and values)`,
        },
      ],
    }),
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
    volumeMounts: volumeMounts("Mounts of `volumes` into the main container.", 64),
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
      rule:
        "!has(self.volumeMounts) || self.volumeMounts.all(m, " +
        `!(has(self.configMaps) && self.configMaps.exists(c, m.mountPath == '${CONFIG_ROOT}/' + c)) && ` +
        `!(has(self.secrets) && self.secrets.exists(s, m.mountPath == '${SECRET_ROOT}/' + s)))`,
      message:
        `volumeMounts: a mountPath is already used by configMaps (${CONFIG_ROOT}/NAME) or ` +
        `secrets (${SECRET_ROOT}/NAME)`,
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
