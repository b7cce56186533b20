// Builds the four CustomResourceDefinitions from the field schemas. `write-crds.ts` renders them into
// crds/*.yaml, and a unit test fails when the committed YAML drifts from this source.
import { KINDS, GROUP, VERSION, type WorkloadType } from "../kinds";
import { commonSpecProperties, commonSpecRules, DNS1035_LABEL_PATTERN } from "./common-fields";
import type { CelRule, JSONSchema, PrinterColumn } from "./json-schema";
import {
  cronSpecProperties,
  persistentSpecProperties,
  persistentSpecRules,
  processSpecProperties,
  processSpecRules,
  replicatedSpecRules,
  serviceSpecProperties,
  statusSchema,
} from "./kind-fields";

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    scope: "Namespaced";
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: JSONSchema };
    }[];
  };
}

/**
 * The longest workload name per kind: children derive their names (and label values) from it.
 * cronjob: `<name>-<10-digit tick>` must fit 63; persistent: StatefulSet revision labels and the
 * `<name>-ports` Service must fit 63; the rest: the name is itself a label value (max 63).
 */
export const MAX_NAME_LENGTH: Record<WorkloadType, number> = {
  process: 63,
  cronjob: 52,
  service: 63,
  persistent: 52,
};

function nameRules(type: WorkloadType): CelRule[] {
  const max = MAX_NAME_LENGTH[type];
  const rules: CelRule[] = [
    {
      rule: `self.metadata.name.size() <= ${max}`,
      message: `metadata.name must be at most ${max} characters for a ${KINDS[type].kind} (child object names are derived from it)`,
    },
  ];
  if (type === "service" || type === "persistent") {
    rules.push({
      rule: `self.metadata.name.matches('${DNS1035_LABEL_PATTERN}')`,
      message:
        "metadata.name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter): it names a Service",
    });
  }
  return rules;
}

/** JSONPath of a field of the Ready condition (kstatus' summary condition). */
const readyField = (field: string) => `.status.conditions[?(@.type=="Ready")].${field}`;

/**
 * ACTIVE and HEALTHY as the predecessor printed them, then the Ready condition: its status and short
 * CamelCase reason; its (long) message only with `-o wide`.
 */
const COMMON_COLUMNS: PrinterColumn[] = [
  { name: "Active", type: "boolean", jsonPath: ".status.active", description: "Running here" },
  {
    name: "Healthy",
    type: "boolean",
    jsonPath: ".status.healthy",
    description: "Working as asked",
  },
  {
    name: "Ready",
    type: "string",
    jsonPath: readyField("status"),
    description: "The Ready condition: True, False or Unknown",
  },
  {
    name: "Reason",
    type: "string",
    jsonPath: readyField("reason"),
    description: "Why Ready is what it is",
  },
];
const MESSAGE: PrinterColumn = {
  name: "Message",
  type: "string",
  jsonPath: readyField("message"),
  description: "The Ready condition's message (the API server's, for a refused child)",
  priority: 1,
};
const AGE: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };
const LEADER: PrinterColumn = {
  name: "Cluster",
  type: "string",
  jsonPath: ".status.leader.cluster",
  priority: 1,
};

function columns(type: WorkloadType): PrinterColumn[] {
  switch (type) {
    case "process":
      return [
        ...COMMON_COLUMNS,
        AGE,
        { name: "Phase", type: "string", jsonPath: ".status.phase", priority: 1 },
        { name: "Restarts", type: "integer", jsonPath: ".status.restartCount", priority: 1 },
        LEADER,
        MESSAGE,
      ];
    case "cronjob":
      return [
        ...COMMON_COLUMNS,
        { name: "Schedule", type: "string", jsonPath: ".spec.schedule" },
        { name: "Last Schedule", type: "date", jsonPath: ".status.lastScheduleTime" },
        // A timestamp, not a "date" column: the API server prints a date column as the age of the time
        // (`5m`), and a future time as `<invalid>` (checked in e2e/crds.e2e.test.ts).
        {
          name: "Next",
          type: "string",
          format: "date-time",
          jsonPath: ".status.nextScheduleTime",
          description: "The next scheduled run (RFC 3339)",
        },
        AGE,
        { name: "Suspend", type: "boolean", jsonPath: ".spec.suspend", priority: 1 },
        LEADER,
        MESSAGE,
      ];
    case "service":
    case "persistent":
      return [
        ...COMMON_COLUMNS,
        { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
        {
          name: "Ready Pods",
          type: "integer",
          jsonPath: ".status.readyReplicas",
          description: "Pods that are ready",
        },
        AGE,
        LEADER,
        MESSAGE,
      ];
  }
}

function specSchema(type: WorkloadType): JSONSchema {
  const common = commonSpecProperties();
  const rules = commonSpecRules() ?? [];
  switch (type) {
    case "process":
      return {
        type: "object",
        required: ["image"],
        properties: { ...common, ...processSpecProperties() },
        "x-kubernetes-validations": [...rules, ...processSpecRules()],
      };
    case "cronjob":
      return {
        type: "object",
        required: ["image", "schedule"],
        properties: { ...common, ...cronSpecProperties() },
        "x-kubernetes-validations": rules,
      };
    case "service":
      return {
        type: "object",
        required: ["image", "replicas"],
        properties: { ...common, ...serviceSpecProperties() },
        "x-kubernetes-validations": [...rules, ...replicatedSpecRules()],
      };
    case "persistent":
      return {
        type: "object",
        required: ["image", "replicas"],
        properties: { ...common, ...persistentSpecProperties() },
        "x-kubernetes-validations": [...rules, ...replicatedSpecRules(), ...persistentSpecRules()],
      };
  }
}

const DESCRIPTIONS: Record<WorkloadType, string> = {
  process:
    "A singleton process: exactly one pod, run by the leading Highlander controller and restarted within maxRestarts.",
  cronjob:
    "A singleton cron job: the leading Highlander controller creates one Job per schedule tick.",
  service:
    "A singleton service: a Deployment (Recreate) plus a ClusterIP Service, run only where Highlander leads.",
  persistent:
    "A singleton stateful set: a StatefulSet with volume claim templates and its headless Service.",
};

export function buildCrd(type: WorkloadType): CustomResourceDefinition {
  const info = KINDS[type];
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${info.plural}.${GROUP}`,
      labels: { "app.kubernetes.io/part-of": "highlander" },
    },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: {
        kind: info.kind,
        listKind: `${info.kind}List`,
        plural: info.plural,
        singular: info.singular,
        shortNames: info.shortNames,
        categories: ["highlander"],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: columns(type),
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: DESCRIPTIONS[type],
              required: ["spec"],
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                spec: specSchema(type),
                status: statusSchema(),
              },
              "x-kubernetes-validations": nameRules(type),
            },
          },
        },
      ],
    },
  };
}
