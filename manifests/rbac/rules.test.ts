// The operator's permissions are written three times (cluster-wide ClusterRole, the per-namespace Role,
// the Helm chart's rules): they must agree, and grant nothing the operator does not call.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { V1PolicyRule } from "@kubernetes/client-node";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { WORKLOAD_KINDS } from "../../capabilities/workloads/kinds/registry";

const root = resolve(import.meta.dirname, "..", "..");

function rulesOf(file: string, kind: string): V1PolicyRule[] {
  const docs = parseAllDocuments(readFileSync(join(root, file), "utf8")).map(
    d => d.toJS() as { kind: string; rules?: V1PolicyRule[] },
  );
  const found = docs.find(d => d.kind === kind)?.rules;
  if (!found) throw new Error(`${file} has no ${kind} with rules`);
  return found;
}

function helmRules(): V1PolicyRule[] {
  const tpl = readFileSync(join(root, "charts/highlander/templates/_rules.tpl"), "utf8");
  const body = /\{\{- define "highlander\.rules" -\}\}\n([\s\S]*?)\{\{- end \}\}/.exec(tpl)?.[1];
  if (!body) throw new Error("no highlander.rules in _rules.tpl");
  return parse(body) as V1PolicyRule[];
}

/** Every (group, resource, verb) a set of rules grants. */
function grants(rules: V1PolicyRule[]): string[] {
  const out = rules.flatMap(r =>
    (r.apiGroups ?? []).flatMap(g =>
      (r.resources ?? []).flatMap(res => r.verbs.map(v => `${g}/${res}:${v}`)),
    ),
  );
  return [...new Set(out)].sort();
}

const cluster = rulesOf("manifests/rbac/cluster/clusterrole.yaml", "ClusterRole");

describe("operator RBAC", () => {
  it("is the same in the ClusterRole, the namespaced Role and the Helm chart", () => {
    expect(rulesOf("manifests/rbac/namespaced/watched-namespace-role.yaml", "Role")).toEqual(
      cluster,
    );
    expect(helmRules()).toEqual(cluster);
  });

  it("grants exactly what the operator calls", () => {
    const kinds = WORKLOAD_KINDS.map(k => k.names.plural);
    const expected = [
      ...kinds.flatMap(k =>
        ["get", "list", "watch", "update", "patch"].map(v => `highlander.plexobject.io/${k}:${v}`),
      ),
      ...kinds.flatMap(k =>
        ["get", "patch", "update"].map(v => `highlander.plexobject.io/${k}/status:${v}`),
      ),
      ...kinds.map(k => `highlander.plexobject.io/${k}/finalizers:update`),
      ...["get", "list", "watch", "create", "delete", "patch"].map(v => `/pods:${v}`),
      ...["get", "list", "watch", "create", "delete", "patch"].map(v => `batch/jobs:${v}`),
      ...["get", "list", "watch", "create", "patch", "delete"].flatMap(v => [
        `apps/deployments:${v}`,
        `apps/statefulsets:${v}`,
      ]),
      ...["get", "list", "watch", "create", "patch", "delete"].map(v => `/services:${v}`),
      ...["get", "list", "watch"].map(v => `/persistentvolumeclaims:${v}`),
      "/events:create",
      "/events:patch",
    ];
    expect(grants(cluster)).toEqual([...new Set(expected)].sort());
    expect(cluster.every(r => !r.resourceNames && !r.nonResourceURLs)).toBe(true);
  });

  it("keeps Leases and the Pepr store namespace-local", () => {
    expect(grants(rulesOf("manifests/core/rbac-leader-election.yaml", "Role"))).toEqual([
      "coordination.k8s.io/leases:create",
      "coordination.k8s.io/leases:get",
      "coordination.k8s.io/leases:update",
    ]);
    expect(grants(rulesOf("manifests/core/rbac-pepr-store.yaml", "Role"))).toEqual(
      ["create", "get", "list", "patch", "update", "watch"].map(v => `pepr.dev/peprstores:${v}`),
    );
  });

  it("grants the token and access reviews of authenticated step-down, the same in every copy", () => {
    const auth = rulesOf("manifests/core/rbac-auth.yaml", "ClusterRole");
    expect(grants(auth)).toEqual([
      "authentication.k8s.io/tokenreviews:create",
      "authorization.k8s.io/subjectaccessreviews:create",
    ]);
    const chart = readFileSync(join(root, "charts/highlander/templates/auth-rbac.yaml"), "utf8");
    const chartAuth = parseAllDocuments(chart.replace(/\{\{[^}]*\}\}/g, "x")).map(
      d => d.toJS() as { kind: string; metadata: { name: string }; rules?: V1PolicyRule[] },
    );
    expect(chartAuth.find(d => d.metadata.name === "highlander-auth-x")?.rules).toEqual(auth);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      pepr: { rbac: V1PolicyRule[] };
    };
    expect(grants(pkg.pepr.rbac)).toEqual(expect.arrayContaining(grants(auth)));
  });

  it("in namespaced mode, grants nothing cluster-wide: only the per-namespace Role", () => {
    const kustomization = parse(
      readFileSync(join(root, "manifests/rbac/namespaced/kustomization.yaml"), "utf8"),
    ) as { resources: string[] };
    expect(kustomization.resources).toEqual(["watched-namespace-role.yaml"]);
  });
});
