import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { KINDS, WORKLOAD_TYPES, type WorkloadType } from "../kinds";
import { buildCrd } from "./crd-manifests";
import { kindOfType } from "../../kinds/registry";
import type { JSONSchema } from "./json-schema";
import { crdFileName, renderCrdYaml } from "./render-crds";

const crdDir = join(import.meta.dirname, "..", "..", "..", "..", "crds");

function specSchema(type: WorkloadType): JSONSchema {
  const spec = buildCrd(type).spec.versions[0].schema.openAPIV3Schema.properties?.spec;
  if (!spec) throw new Error("no spec schema");
  return spec;
}

/** Collects every path where unknown fields are preserved, to keep that confined to core subtrees. */
function preservedPaths(schema: JSONSchema, path: string, out: string[]): string[] {
  if (schema["x-kubernetes-preserve-unknown-fields"]) out.push(path);
  for (const [k, v] of Object.entries(schema.properties ?? {}))
    preservedPaths(v, `${path}.${k}`, out);
  if (schema.items) preservedPaths(schema.items, `${path}[]`, out);
  if (schema.additionalProperties) preservedPaths(schema.additionalProperties, `${path}{}`, out);
  return out;
}

describe.each(WORKLOAD_TYPES)("CRD for %s", type => {
  const crd = buildCrd(type);
  const version = crd.spec.versions[0];

  it("is committed in crds/ exactly as the generator renders it", () => {
    const onDisk = readFileSync(join(crdDir, crdFileName(type)), "utf8");
    expect(onDisk, "run: npx tsx capabilities/workloads/crd/write-crds.ts").toBe(
      renderCrdYaml(type),
    );
    expect(parse(onDisk)).toEqual(JSON.parse(JSON.stringify(crd)));
  });

  it("has the predecessor's names, namespaced, v1 with a status subresource", () => {
    expect(crd.metadata.name).toBe(`${KINDS[type].plural}.highlander.plexobject.io`);
    expect(crd.spec.scope).toBe("Namespaced");
    expect(crd.spec.names.shortNames).toEqual(KINDS[type].shortNames);
    expect(crd.spec.names.categories).toEqual(["highlander"]);
    expect(version.name).toBe("v1");
    expect(version.subresources.status).toEqual({});
  });

  it("prints Active, Healthy, Ready, Reason and Age; Message only with -o wide", () => {
    const cols = version.additionalPrinterColumns;
    const names = cols.filter(c => !c.priority).map(c => c.name);
    expect(names.slice(0, 4)).toEqual(["Active", "Healthy", "Ready", "Reason"]);
    expect(names).toContain("Age");
    expect(new Set(cols.map(c => c.name.toUpperCase())).size).toBe(cols.length);
    const ready = '.status.conditions[?(@.type=="Ready")]';
    expect(cols.find(c => c.name === "Ready")?.jsonPath).toBe(`${ready}.status`);
    expect(cols.find(c => c.name === "Reason")?.jsonPath).toBe(`${ready}.reason`);
    expect(cols.find(c => c.name === "Message")).toMatchObject({
      jsonPath: `${ready}.message`,
      priority: 1,
    });
  });

  it("requires image, with a minimum length", () => {
    expect(specSchema(type).required).toContain("image");
    expect(specSchema(type).properties?.image.minLength).toBe(1);
  });

  it("keeps the predecessor's env map form and script shell default", () => {
    const props = specSchema(type).properties ?? {};
    expect(props.env.type).toBe("object");
    expect(props.env.additionalProperties).toEqual({ type: "string" });
    expect(props.script.properties?.shell.default).toBe("/bin/sh");
  });

  it("preserves unknown fields only inside core-type subtrees", () => {
    const paths = preservedPaths(specSchema(type), "spec", []);
    const allowed =
      /\.(valueFrom|affinity|podSecurityContext|securityContext|readinessProbe|livenessProbe|startupProbe)$|\.volumes\[\]$/;
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p).toMatch(allowed);
  });

  it("limits metadata.name so derived child names fit", () => {
    const rules = version.schema.openAPIV3Schema["x-kubernetes-validations"] ?? [];
    expect(rules[0].rule).toBe(
      `self.metadata.name.size() <= ${kindOfType(type).crd.maxNameLength}`,
    );
  });
});

describe("kind-specific schema", () => {
  it("cron jobs: schedule required, Forbid default, history defaults 3 and 1, printer columns", () => {
    const s = specSchema("cronjob");
    expect(s.required).toEqual(["image", "schedule"]);
    expect(s.properties?.concurrencyPolicy.default).toBe("Forbid");
    expect(s.properties?.concurrencyPolicy.enum).toEqual(["Allow", "Forbid", "Replace"]);
    expect(s.properties?.successfulJobsHistoryLimit.default).toBe(3);
    expect(s.properties?.failedJobsHistoryLimit.default).toBe(1);
    expect(s.properties?.restartPolicy.default).toBe("OnFailure");
    const cols = buildCrd("cronjob").spec.versions[0].additionalPrinterColumns.filter(
      c => !c.priority,
    );
    expect(cols.map(c => c.name)).toEqual([
      "Active",
      "Healthy",
      "Ready",
      "Reason",
      "Schedule",
      "Last Schedule",
      "Next",
      "Age",
    ]);
    // kubectl prints a future time in a "date" column as <invalid>: NEXT is the timestamp itself.
    expect(cols.find(c => c.name === "Next")).toMatchObject({
      type: "string",
      format: "date-time",
    });
  });

  it("processes: restartPolicy default Never, maxRestarts default 5 and >= 0", () => {
    const s = specSchema("process");
    expect(s.properties?.restartPolicy.default).toBe("Never");
    expect(s.properties?.maxRestarts).toMatchObject({ default: 5, minimum: 0 });
  });

  it.each(["service", "persistent"] as const)(
    "%s: replicas required >= 0, ports 1-65535, Replicas/Ready Pods columns",
    type => {
      const s = specSchema(type);
      expect(s.required).toEqual(["image", "replicas"]);
      expect(s.properties?.replicas.minimum).toBe(0);
      const port = s.properties?.ports.items?.properties ?? {};
      expect(port.containerPort).toMatchObject({ minimum: 1, maximum: 65535 });
      expect(port.servicePort).toMatchObject({ minimum: 1, maximum: 65535 });
      const cols = buildCrd(type).spec.versions[0].additionalPrinterColumns.filter(
        c => !c.priority,
      );
      expect(cols.map(c => c.name)).toEqual([
        "Active",
        "Healthy",
        "Ready",
        "Reason",
        "Replicas",
        "Ready Pods",
        "Age",
      ]);
    },
  );

  it("persistent sets: volume claim fields", () => {
    const pv = specSchema("persistent").properties?.persistentVolumes.items;
    expect(pv?.required).toEqual(["name", "mountPath", "size"]);
    expect(Object.keys(pv?.properties ?? {})).toEqual([
      "name",
      "mountPath",
      "size",
      "storageClassName",
      "accessModes",
    ]);
  });
});
