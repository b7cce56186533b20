// The workload policy is shipped twice (kustomize and the Helm chart); the copies must agree, and every
// rule must tell the user which field was refused and how an administrator allows it.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..", "..");

interface Validation {
  expression: string;
  message: string;
}

function docs(text: string): unknown[] {
  return parseAllDocuments(text).map(d => d.toJS() as unknown);
}

const manifest = docs(readFileSync(join(root, "manifests/policy/workload-policy.yaml"), "utf8"));

describe("workload policy", () => {
  it("is the same in manifests/policy and the Helm chart", () => {
    const tpl = readFileSync(
      join(root, "charts/highlander/templates/workload-policy.yaml"),
      "utf8",
    );
    const body = tpl.replace(/^\{\{-.*\}\}$/gm, "");
    expect(docs(body)).toEqual(manifest);
  });

  it("names the field and the opt-in label in every message", () => {
    const policy = manifest[0] as { spec: { validations: Validation[] } };
    expect(policy.spec.validations.length).toBeGreaterThan(10);
    for (const v of policy.spec.validations) {
      expect(v.message).toMatch(/^spec\.[A-Za-z[\].]+: /);
      expect(v.message).toContain("highlander.plexobject.io/pod-security=privileged");
    }
  });

  it("is installed by both kustomizations", () => {
    for (const k of ["manifests/kustomization.yaml", "manifests/namespaced/kustomization.yaml"]) {
      expect(readFileSync(join(root, k), "utf8")).toMatch(/^ {2}- (\.\.\/)?policy$/m);
    }
  });
});
