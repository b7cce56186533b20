// Spec fields, rules and printer columns of the two long-running kinds (Deployment- and
// StatefulSet-backed): WorkloadService and WorkloadPersistent.
import { DNS_LABEL_PATTERN, duration, int, str } from "./common-fields";
import { DEFAULT_PROTOCOL } from "../../controllers/common/ports";
import { AGE, COMMON_COLUMNS, LEADER, MESSAGE } from "./columns";
import type { CelRule, PrinterColumn, SchemaFor, TypedSchema } from "./json-schema";
import type { CommonSpec, ReplicatedSpec } from "../types";

const PORT = { minimum: 1, maximum: 65535 };

function portsSchema(): TypedSchema<"array"> {
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
        protocol: str("TCP, UDP or SCTP.", {
          enum: ["TCP", "UDP", "SCTP"],
          default: DEFAULT_PROTOCOL,
        }),
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
export function replicatedSpecProperties(): SchemaFor<Omit<ReplicatedSpec, keyof CommonSpec>> {
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

export const REPLICATED_COLUMNS: readonly PrinterColumn[] = [
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
