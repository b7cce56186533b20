// Writes the rules of manifests/rbac/rules.ts into the files that carry them: a `rules:` line marked
// `# rbac: <set>` in a kustomize or chart YAML file has its list regenerated; package.json's
// pepr.rbac is the operator's whole identity; the chart's "highlander.rules" helper is its own file.
import type { V1PolicyRule } from "@kubernetes/client-node";
import {
  OPERATOR_IDENTITY,
  RULE_SETS,
  type Rule,
  type RuleSetName,
} from "../../manifests/rbac/rules";

export const CHART_RULES_HELPER = "charts/highlander/templates/_rules.tpl";

/** The files whose marked `rules:` lists are generated. */
export const RBAC_FILES = [
  "manifests/rbac/cluster/clusterrole.yaml",
  "manifests/rbac/namespaced/watched-namespace-role.yaml",
  "manifests/core/rbac-leader-election.yaml",
  "manifests/core/rbac-pepr-store.yaml",
  "manifests/core/rbac-auth.yaml",
  "manifests/fence/rbac.yaml",
  "charts/highlander/templates/rbac-local.yaml",
  "charts/highlander/templates/auth-rbac.yaml",
  "charts/highlander/templates/fence-rbac.yaml",
];

/** Prettier's print width: a longer flow list is written as a block list, as Prettier would keep it. */
const WIDTH = 100;

function field(pad: string, key: string, items: string[]): string[] {
  const line = `${pad}${key}: [${items.map(i => JSON.stringify(i)).join(", ")}]`;
  if (line.length <= WIDTH) return [line];
  return [`${pad}${key}:`, ...items.map(i => `${pad}  - ${i}`)];
}

/** A rule list in the compact style the manifests use, at `indent` spaces. */
function renderRules(rules: Rule[], indent: number): string[] {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  for (const rule of rules) {
    if (rule.why) lines.push(`${pad}# ${rule.why}`);
    const [first, ...rest] = field(pad, "apiGroups", rule.apiGroups ?? []);
    lines.push(first.replace(pad, `${pad}- `), ...rest.map(l => `  ${l}`));
    lines.push(...field(`${pad}  `, "resources", rule.resources ?? []));
    if (rule.resourceNames) lines.push(...field(`${pad}  `, "resourceNames", rule.resourceNames));
    lines.push(...field(`${pad}  `, "verbs", rule.verbs));
  }
  return lines;
}

const MARKER = /^(\s*)rules: # rbac: (\w+)$/;

/** `text` with every marked rules list regenerated; throws on an unknown set name. */
export function regenerateRules(text: string, file: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const m = MARKER.exec(lines[i]);
    if (!m) continue;
    const set = m[2];
    if (!(set in RULE_SETS)) throw new Error(`${file}: unknown rule set "${set}" in "${lines[i]}"`);
    const indent = m[1].length + 2;
    // Skip the old list: every following line indented deeper than `rules:`.
    while (i + 1 < lines.length && lines[i + 1].startsWith(" ".repeat(indent))) i++;
    out.push(...renderRules(RULE_SETS[set as RuleSetName], indent));
  }
  return out.join("\n");
}

/** charts/highlander/templates/_rules.tpl: the operator's rules, included by rbac.yaml. */
export function chartRulesHelper(): string {
  return [
    "{{- /* Generated from manifests/rbac/rules.ts by `npm run sync:deploy`. Do not edit. */ -}}",
    "{{/* The operator's rules; the same in the ClusterRole and in each watched namespace's Role. */}}",
    '{{- define "highlander.rules" -}}',
    ...renderRules(RULE_SETS.operator, 0),
    "{{- end }}",
    "",
  ].join("\n");
}

/** The operator's rules without our comments, as Kubernetes and Pepr take them. */
export function policyRules(sets: RuleSetName[]): V1PolicyRule[] {
  return sets.flatMap((s): Rule[] => RULE_SETS[s]).map(({ why: _why, ...rule }) => rule);
}

/** package.json with pepr.rbac set to the operator's identity. */
export function packageJsonWithRbac(text: string): string {
  const pkg = JSON.parse(text) as { pepr: Record<string, unknown> };
  pkg.pepr.rbac = policyRules(OPERATOR_IDENTITY);
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
