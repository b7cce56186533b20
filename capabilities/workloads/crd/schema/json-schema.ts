// The subset of OpenAPI v3 (plus Kubernetes' x-kubernetes-* extensions) our CRD schemas use, spelled
// with the exact JSON keys the API server reads, so the generated YAML needs no key mapping.

export interface CelRule {
  rule: string;
  message: string;
  /** JSON path (relative to the rule's node) the API server reports the failure at. */
  fieldPath?: string;
  reason?:
    | "FieldValueInvalid"
    | "FieldValueRequired"
    | "FieldValueForbidden"
    | "FieldValueDuplicate";
}

export interface JSONSchema {
  type?: "object" | "array" | "string" | "integer" | "boolean" | "number";
  description?: string;
  format?: string;
  properties?: Record<string, JSONSchema>;
  additionalProperties?: JSONSchema;
  items?: JSONSchema;
  required?: string[];
  enum?: (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  pattern?: string;
  nullable?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-validations"?: CelRule[];
}

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}
