// Printer columns every kind shares; each kind lists its own columns around them (kinds/<kind>/schema.ts).
import type { PrinterColumn } from "./json-schema";

/** JSONPath of a field of the Ready condition (kstatus' summary condition). */
const readyField = (field: string) => `.status.conditions[?(@.type=="Ready")].${field}`;

/**
 * ACTIVE and HEALTHY as the predecessor printed them, then the Ready condition: its status and short
 * CamelCase reason; its (long) message only with `-o wide`.
 */
export const COMMON_COLUMNS: PrinterColumn[] = [
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
export const MESSAGE: PrinterColumn = {
  name: "Message",
  type: "string",
  jsonPath: readyField("message"),
  description: "The Ready condition's message (the API server's, for a refused child)",
  priority: 1,
};
export const AGE: PrinterColumn = {
  name: "Age",
  type: "date",
  jsonPath: ".metadata.creationTimestamp",
};
export const LEADER: PrinterColumn = {
  name: "Cluster",
  type: "string",
  jsonPath: ".status.leader.cluster",
  priority: 1,
};
