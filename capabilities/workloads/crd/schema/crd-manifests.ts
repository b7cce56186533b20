// Builds each kind's CustomResourceDefinition from the common fields and the kind's own (its `crd`). `write-crds.ts` renders them into
// crds/*.yaml, and a unit test fails when the committed YAML drifts from this source.
import { GROUP, VERSION } from "../group";
import { kindOfType, type WorkloadType } from "../../kinds/registry";
import type { KindCrd } from "../../kinds/definition";
import { commonSpecProperties, commonSpecRules, DNS1035_LABEL_PATTERN } from "./common-fields";
import type { CelRule, JSONSchema, PrinterColumn } from "./json-schema";
import { statusSchema } from "./status-schema";

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

function nameRules(kind: string, crd: KindCrd): CelRule[] {
  const max = crd.maxNameLength;
  const rules: CelRule[] = [
    {
      rule: `self.metadata.name.size() <= ${max}`,
      message: `metadata.name must be at most ${max} characters for a ${kind} (child object names are derived from it)`,
    },
  ];
  if (crd.namesAService) {
    rules.push({
      rule: `self.metadata.name.matches('${DNS1035_LABEL_PATTERN}')`,
      message:
        "metadata.name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter): it names a Service",
    });
  }
  return rules;
}

function specSchema(crd: KindCrd): JSONSchema {
  return {
    type: "object",
    required: ["image", ...crd.required],
    properties: { ...commonSpecProperties(), ...crd.properties() },
    "x-kubernetes-validations": [...(commonSpecRules() ?? []), ...crd.rules()],
  };
}

export function buildCrd(type: WorkloadType): CustomResourceDefinition {
  const { names: info, crd } = kindOfType(type);
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
        shortNames: [...info.shortNames],
        categories: ["highlander"],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [...crd.columns],
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: crd.description,
              required: ["spec"],
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                spec: specSchema(crd),
                status: statusSchema(),
              },
              "x-kubernetes-validations": nameRules(info.kind, crd),
            },
          },
        },
      ],
    },
  };
}
