// The fence policy is written out twice (children; our workloads) because what the API server does
// when it cannot resolve the params kind depends on what a policy matches (fence-policy.yaml). The two
// must judge alike, each must have its binding, and the operator must check the bindings it ships.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { FENCE_BINDINGS, FENCED_WRITE_LABEL } from "../../capabilities/runtime/fence";

interface Doc {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown> & {
    policyName?: string;
    matchConstraints?: { objectSelector?: { matchLabels?: Record<string, string> } };
  };
}

const docs = parseAllDocuments(
  readFileSync(join(resolve(import.meta.dirname), "fence-policy.yaml"), "utf8"),
).map(d => d.toJS() as Doc);
const policies = docs.filter(d => d.kind === "ValidatingAdmissionPolicy");
const bindings = docs.filter(d => d.kind === "ValidatingAdmissionPolicyBinding");

describe("the fence policies", () => {
  it("judge alike: everything but matchConstraints is the same", () => {
    expect(policies.map(p => p.metadata.name)).toEqual(FENCE_BINDINGS);
    const [children, workloads] = policies.map(
      ({ spec: { matchConstraints: _, ...rest } }) => rest,
    );
    expect(children).toEqual(workloads);
  });

  it("each has one binding of its name, and the operator checks exactly those", () => {
    expect(bindings.map(b => [b.metadata.name, b.spec.policyName])).toEqual(
      FENCE_BINDINGS.map(name => [name, name]),
    );
  });

  it("match children only when a Highlander write labelled them", () => {
    expect(policies[0].spec.matchConstraints?.objectSelector?.matchLabels).toEqual({
      [FENCED_WRITE_LABEL]: "true",
    });
  });
});
