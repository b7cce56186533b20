// The shipped NetworkPolicy admits what the operator's pods must answer (the probes and the scraper on
// port http) and nothing else, selects exactly the operator's pods, and the chart renders the same
// policy from its default values. helm is not a dependency: the chart's template is rendered here by
// a tiny interpreter of the few directives it uses (if / range / include / quote / Release.Namespace).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { V1Deployment } from "@kubernetes/client-node";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..", "..");
const read = (file: string): string => readFileSync(join(root, file), "utf8");

/** The YAML shape (the client library's type calls `from` `_from`). */
interface V1NetworkPolicy {
  metadata?: { namespace?: string };
  spec?: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: Array<{
      from?: Array<{
        ipBlock?: { cidr: string };
        namespaceSelector?: { matchLabels?: Record<string, string> };
      }>;
      ports?: Array<{ port?: string | number; protocol?: string }>;
    }>;
  };
}

const policy = parse(read("manifests/optional/networkpolicy.yaml")) as V1NetworkPolicy;
const deployment = parse(read("manifests/core/deployment.yaml")) as V1Deployment;

type Values = Record<string, unknown>;

function lookup(values: Values, path: string): unknown {
  return path.split(".").reduce<unknown>((v, key) => (v as Values | undefined)?.[key], values);
}

function defines(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const tpl = read("charts/highlander/templates/_helpers.tpl");
  for (const m of tpl.matchAll(/\{\{- define "([^"]+)" -\}\}\n([\s\S]*?)\n\{\{- end \}\}/g)) {
    out.set(m[1] ?? "", (m[2] ?? "").split("\n"));
  }
  return out;
}

/** Renders the lines of a template for a release "hl" in namespace "highlander-system". */
function render(lines: string[], values: Values, dot: unknown = undefined): string[] {
  const out: string[] = [];
  const helpers = defines();
  const expand = (line: string): string =>
    line
      .replace(/\{\{ \. \| quote \}\}/g, JSON.stringify(dot))
      .replace(/\{\{ \.Release\.Namespace \}\}/g, "highlander-system")
      .replace(/\{\{ \.Release\.Name \}\}/g, "hl")
      .replace(/\{\{ \.Release\.Service \}\}/g, "Helm")
      .replace(/\{\{ \.Chart\.Name \}\}-\{\{ \.Chart\.Version \}\}/g, "highlander-0");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const block = /^\s*\{\{- (if|range) \.Values\.([\w.]+) \}\}\s*$/.exec(line);
    if (block) {
      let depth = 1;
      let j = i + 1;
      for (; j < lines.length && depth > 0; j++) {
        if (/\{\{- (if|range|with) /.test(lines[j] ?? "")) depth++;
        if (/\{\{- end \}\}/.test(lines[j] ?? "")) depth--;
      }
      const body = lines.slice(i + 1, j - 1);
      const value = lookup(values, block[2] ?? "");
      if (block[1] === "if" && value) out.push(...render(body, values, dot));
      if (block[1] === "range") {
        for (const item of (value as unknown[]) ?? []) out.push(...render(body, values, item));
      }
      i = j - 1;
      continue;
    }
    const include = /^(\s*)\{\{- include "([^"]+)" \. \| nindent (\d+) \}\}\s*$/.exec(line);
    if (include) {
      const pad = " ".repeat(Number(include[3]));
      out.push(...(helpers.get(include[2] ?? "") ?? []).map(l => pad + expand(l)));
      continue;
    }
    if (/\{\{/.test(expand(line)) && !/^\s*\{\{\/\*/.test(line)) {
      throw new Error(`unsupported template line: ${line}`);
    }
    out.push(expand(line));
  }
  return out;
}

function renderChart(values: Values): V1NetworkPolicy | undefined {
  const text = render(read("charts/highlander/templates/networkpolicy.yaml").split("\n"), values);
  const doc = parse(text.join("\n")) as V1NetworkPolicy | null;
  return doc ?? undefined;
}

const chartValues = parse(read("charts/highlander/values.yaml")) as Values;

describe("the NetworkPolicy", () => {
  it("selects exactly the operator's pods and limits ingress only", () => {
    expect(policy.spec?.podSelector.matchLabels).toEqual(deployment.spec?.selector.matchLabels);
    expect(policy.spec?.policyTypes).toEqual(["Ingress"]);
    expect(policy.metadata?.namespace).toBe(deployment.metadata?.namespace);
  });

  it("admits only port http, the port of the probes and of /metrics", () => {
    const container = deployment.spec?.template.spec?.containers[0];
    const http = container?.ports?.find(p => p.name === "http");
    expect(http?.containerPort).toBe(8080);
    expect(container?.livenessProbe?.httpGet?.port).toBe("http");
    expect(container?.readinessProbe?.httpGet?.port).toBe("http");
    const ports = (policy.spec?.ingress ?? []).flatMap(r => r.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    expect(ports.every(p => p.port === "http" && p.protocol === "TCP")).toBe(true);
    // Every rule names its sources: none admits everyone.
    expect((policy.spec?.ingress ?? []).every(r => (r.from ?? []).length > 0)).toBe(true);
  });

  it("admits the nodes (kubelet probes) and the scraper's namespace", () => {
    const sources = (policy.spec?.ingress ?? []).flatMap(r => r.from ?? []);
    expect(sources.some(s => s.ipBlock?.cidr !== undefined)).toBe(true);
    expect(
      sources.some(
        s => s.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring",
      ),
    ).toBe(true);
  });
});

describe("the chart's NetworkPolicy", () => {
  it("is off by default", () => {
    expect(renderChart(chartValues)).toBeUndefined();
  });

  it("renders the same rules as the manifest when enabled with the default lists", () => {
    const values = {
      ...chartValues,
      networkPolicy: { ...(chartValues.networkPolicy as Values), enabled: true },
    };
    const rendered = renderChart(values);
    expect(rendered?.spec?.ingress).toEqual(policy.spec?.ingress);
    expect(rendered?.spec?.policyTypes).toEqual(["Ingress"]);
    expect(rendered?.spec?.podSelector.matchLabels).toMatchObject({
      "app.kubernetes.io/name": "highlander",
      "app.kubernetes.io/component": "controller",
    });
  });

  it("lists every configured node CIDR and scraper namespace", () => {
    const values = {
      ...chartValues,
      networkPolicy: {
        enabled: true,
        nodeCIDRs: ["192.168.0.0/16", "fd00::/8"],
        scraperNamespaces: ["prometheus", "observability"],
      },
    };
    const text = JSON.stringify(renderChart(values));
    for (const want of ["192.168.0.0/16", "fd00::/8", "prometheus", "observability"]) {
      expect(text).toContain(want);
    }
  });
});
