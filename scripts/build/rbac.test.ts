// The RBAC generator: a marked rules list is rewritten from manifests/rbac/rules.ts, whatever it held,
// so a hand edit of a generated list is drift (copies.test.ts checks the repository's files).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { OPERATOR_IDENTITY, RULE_SETS } from "../../manifests/rbac/rules";
import { chartRulesHelper, packageJsonWithRbac, policyRules, regenerateRules } from "./rbac";

const root = resolve(import.meta.dirname, "..", "..");

const ROLE = [
  "kind: Role",
  "metadata:",
  "  name: x",
  "rules: # rbac: lease",
  '  - apiGroups: ["coordination.k8s.io"]',
  '    resources: ["leases"]',
  '    verbs: ["*"]',
  "---",
  "kind: RoleBinding",
  "",
].join("\n");

describe("regenerateRules", () => {
  it("rewrites a marked list from the rule set and leaves the rest of the file alone", () => {
    const out = regenerateRules(ROLE, "role.yaml");
    const [role, binding] = parseAllDocuments(out).map(d => d.toJS() as Record<string, unknown>);
    expect(role.rules).toEqual(RULE_SETS.lease);
    expect(binding).toEqual({ kind: "RoleBinding" });
    expect(regenerateRules(out, "role.yaml")).toBe(out);
  });

  it("refuses an unknown rule set, naming the file", () => {
    expect(() => regenerateRules("rules: # rbac: everything\n", "a.yaml")).toThrow(
      /a\.yaml: unknown rule set "everything"/,
    );
  });

  it("keeps the rules' reasons as comments, not as fields", () => {
    const helper = chartRulesHelper();
    expect(helper).toContain("# StatefulSets create the claims");
    const body = /define "highlander.rules" -\}\}\n([\s\S]*)\{\{- end/.exec(helper)?.[1] ?? "";
    expect(parse(body)).toEqual(policyRules(["operator"]));
  });
});

describe("package.json pepr.rbac", () => {
  it("is the operator's whole identity, generated", () => {
    const text = readFileSync(join(root, "package.json"), "utf8");
    expect(packageJsonWithRbac(text)).toBe(text);
    const pkg = JSON.parse(text) as { pepr: { rbac: unknown[] } };
    expect(pkg.pepr.rbac).toEqual(policyRules(OPERATOR_IDENTITY));
  });
});
