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

/** A schema whose `type` is known: what the field helpers return. */
export type TypedSchema<T extends JSONSchema["type"]> = JSONSchema & { type: T };

/** The JSON Schema `type` a TypeScript field type is written as. */
type JsonType<T> = T extends string
  ? "string"
  : T extends number
    ? "integer" | "number"
    : T extends boolean
      ? "boolean"
      : T extends readonly unknown[]
        ? "array"
        : "object";

/**
 * One schema per field of S, of the field's JSON type. The spec types (crd/types.ts) and the schemas
 * cannot drift: a field in one and not the other, or of another type, does not compile.
 */
export type SchemaFor<S> = { [K in keyof S]-?: TypedSchema<JsonType<NonNullable<S[K]>>> };
