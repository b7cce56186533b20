// The regular expressions behind the CRD's apply-time checks (env names, label keys and values, image
// case), tried with JavaScript's engine, which agrees with CEL's RE2 on these simple patterns; every CEL
// message names its field; and the predecessor's samples and our examples pass every pattern. The
// real API server runs the same rules in e2e/crds.e2e.test.ts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { WORKLOAD_TYPES } from "../kinds";
import {
  fullCronSpec,
  fullPersistentSpec,
  fullProcessSpec,
  fullServiceSpec,
  PREDECESSOR_SAMPLE_CRONJOB_YAML,
} from "../samples";
import {
  celRegex,
  ENV_NAME_PATTERN,
  IMAGE_CASE_PATTERN,
  LABEL_KEY_PATTERN,
  LABEL_VALUE_PATTERN,
} from "./common-fields";
import { buildCrd } from "./crd-manifests";
import type { JSONSchema } from "./json-schema";

const envName = new RegExp(ENV_NAME_PATTERN);
const labelKey = (k: string) =>
  new RegExp(LABEL_KEY_PATTERN).test(k) && (!k.includes("/") || k.indexOf("/") <= 253);
const labelValue = new RegExp(LABEL_VALUE_PATTERN);
const imageCase = new RegExp(IMAGE_CASE_PATTERN);
const whitespace = /\s/;

describe("celRegex", () => {
  it("doubles backslashes inside a single-quoted CEL string", () => {
    expect(celRegex("\\s")).toBe("'\\\\s'");
    expect(celRegex("^[a-z]$")).toBe("'^[a-z]$'");
  });
});

describe("environment variable names (printable ASCII but '=')", () => {
  it.each(["TEST_ENV", "CRD_DEFINED", "my.var", "a-b", "_x", "1ST", "with space", "~"])(
    "accepts %j",
    name => expect(envName.test(name)).toBe(true),
  );
  it.each(["A=B", "", "tab\there", "é", "new\nline"])("refuses %j", name =>
    expect(envName.test(name)).toBe(false),
  );
});

describe("label keys", () => {
  it.each([
    "team",
    "kubernetes.io/os",
    "app.kubernetes.io/name",
    "example.com/note",
    "A_b.c-D",
    "a".repeat(63),
    `${"a".repeat(253)}/x`,
  ])("accepts %j", key => expect(labelKey(key)).toBe(true));
  it.each([
    "",
    "-team",
    "team-",
    "a/b/c",
    "Example.com/x",
    "x/",
    "/x",
    "a b",
    "a".repeat(64),
    `${"a".repeat(254)}/x`,
  ])("refuses %j", key => expect(labelKey(key)).toBe(false));
});

describe("label values", () => {
  it.each(["", "data", "v1.2_3-x", "A", "a".repeat(63)])("accepts %j", v =>
    expect(labelValue.test(v)).toBe(true),
  );
  it.each(["-x", "x-", "a b", "a/b", "a".repeat(64)])("refuses %j", v =>
    expect(labelValue.test(v)).toBe(false),
  );
});

describe("image references", () => {
  it.each([
    "busybox:latest",
    "busybox:1.36",
    "nginx:alpine",
    "redis:7",
    "postgres",
    "docker.io/library/nginx:1.27",
    "localhost:5000/team/app:V1",
    "MyRegistry.example.com/app:Latest",
    `ghcr.io/org/app@sha256:${"a".repeat(64)}`,
    `reg:5000/a/b:V1@sha256:${"a".repeat(64)}`,
  ])("accepts %j", image => {
    expect(whitespace.test(image)).toBe(false);
    expect(imageCase.test(image)).toBe(true);
  });
  it.each(["Busybox", "ghcr.io/Org/app", "team/App:1", "a/B/c"])(
    "refuses the upper-case repository in %j",
    image => expect(imageCase.test(image)).toBe(false),
  );
  it.each([" busybox", "busybox ", "busy box", "busybox:\tlatest"])(
    "refuses the whitespace in %j",
    image => expect(whitespace.test(image)).toBe(true),
  );
});

/** Every CEL rule with the path of the node that carries it. */
function rules(
  schema: JSONSchema,
  path: string[],
  out: [string[], string][],
): [string[], string][] {
  for (const r of schema["x-kubernetes-validations"] ?? []) out.push([path, r.message]);
  for (const [k, v] of Object.entries(schema.properties ?? {})) rules(v, [...path, k], out);
  if (schema.items) rules(schema.items, path, out);
  if (schema.additionalProperties) rules(schema.additionalProperties, path, out);
  return out;
}

describe.each(WORKLOAD_TYPES)("CEL messages of the %s CRD", type => {
  const spec = buildCrd(type).spec.versions[0].schema.openAPIV3Schema.properties?.spec;

  it("name the field they refuse (the field itself or one of its properties)", () => {
    expect(spec).toBeDefined();
    for (const [path, message] of rules(spec ?? {}, [], [])) {
      const node = path.length > 0 ? path[path.length - 1] : "spec";
      let schema: JSONSchema | undefined = spec;
      for (const p of path) schema = (schema?.items ?? schema)?.properties?.[p];
      const children = Object.keys((schema?.items ?? schema)?.properties ?? {});
      const named = [node, ...children].some(f => message.includes(f));
      expect(named, `${path.join(".")}: ${message}`).toBe(true);
    }
  });
});

interface SampleSpec {
  image?: string;
  env?: Record<string, string>;
  extraEnv?: { name: string }[];
  podLabels?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  sidecars?: { image: string; env?: Record<string, string> }[];
  ports?: { name?: string }[];
}

const exampleDir = join(import.meta.dirname, "..", "..", "..", "..", "manifests", "examples");
const examples: [string, SampleSpec][] = [
  ...readdirSync(exampleDir)
    .filter(f => f.startsWith("workload"))
    .flatMap(f =>
      parseAllDocuments(readFileSync(join(exampleDir, f), "utf8")).map(
        d => [f, (d.toJS() as { spec: SampleSpec }).spec] as [string, SampleSpec],
      ),
    ),
  [
    "predecessor README",
    (parseAllDocuments(PREDECESSOR_SAMPLE_CRONJOB_YAML)[0].toJS() as { spec: SampleSpec }).spec,
  ],
  ["fullProcessSpec", fullProcessSpec()],
  ["fullCronSpec", fullCronSpec()],
  ["fullServiceSpec", fullServiceSpec()],
  ["fullPersistentSpec", fullPersistentSpec()],
];

describe.each(examples)("the sample %s", (_name, spec) => {
  it("passes the image, env name, label and port name patterns", () => {
    const images = [spec.image ?? "", ...(spec.sidecars ?? []).map(s => s.image)];
    for (const image of images) {
      expect(whitespace.test(image), image).toBe(false);
      expect(imageCase.test(image), image).toBe(true);
    }
    const envNames = [
      ...Object.keys(spec.env ?? {}),
      ...(spec.extraEnv ?? []).map(e => e.name),
      ...(spec.sidecars ?? []).flatMap(s => Object.keys(s.env ?? {})),
    ];
    for (const name of envNames) expect(envName.test(name), name).toBe(true);
    for (const labels of [spec.podLabels ?? {}, spec.nodeSelector ?? {}]) {
      for (const [k, v] of Object.entries(labels)) {
        expect(labelKey(k), k).toBe(true);
        expect(labelValue.test(v), v).toBe(true);
      }
    }
    for (const port of spec.ports ?? []) {
      if (port.name) expect(/[a-z]/.test(port.name) && !port.name.includes("--")).toBe(true);
    }
  });
});
