// The shipped alerts and dashboard: every alert rule passes its promtool unit test
// (prometheusrule.tests.yaml), the Helm chart ships the same rules and dashboard, and every alert
// expression and dashboard query names only metrics the operator exports (or Prometheus's own `up`).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry, register } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { metricNames } from "../../capabilities/metrics/promql";
import { recordBuildInfo, registerOperatorMetrics } from "../../capabilities/metrics";
import "../../storage/metrics";
import { promtoolProblems } from "../../devenv/lib/prometheus";

const here = __dirname;
const chartFiles = join(here, "../../charts/highlander/files");

interface Rule {
  alert: string;
  expr: string;
}
const ruleSpec = (
  parse(readFileSync(join(here, "prometheusrule.yaml"), "utf8")) as {
    spec: { groups: Array<{ rules: Rule[] }> };
  }
).spec;
const rules = ruleSpec.groups.flatMap(g => g.rules);

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}
const dashboardText = readFileSync(join(here, "grafana-dashboard.json"), "utf8");
const dashboard = JSON.parse(dashboardText) as {
  panels: Panel[];
  templating: { list: Array<{ query?: unknown }> };
};

const work = mkdtempSync(join(tmpdir(), "highlander-promtool-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function promtool(args: string[]): { status: number | null; output: string } {
  const run = spawnSync("promtool", args, { cwd: work, encoding: "utf8" });
  // `npm test` installs promtool (devenv/lib/system-packages.ts); missing here means that failed.
  if (run.error)
    throw new Error(`promtool could not run (${run.error.message}): apt-get install prometheus`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("alert rules", () => {
  it("every rule has a promtool unit test, and all pass", () => {
    const tests = readFileSync(join(here, "prometheusrule.tests.yaml"), "utf8");
    for (const rule of rules) expect(tests, rule.alert).toContain(`alertname: ${rule.alert}`);
    writeFileSync(join(work, "highlander-rules.yaml"), stringify(ruleSpec));
    copyFileSync(join(here, "prometheusrule.tests.yaml"), join(work, "prometheusrule.tests.yaml"));
    const check = promtool(["check", "rules", "highlander-rules.yaml"]);
    expect(check.status, check.output).toBe(0);
    const test = promtool(["test", "rules", "prometheusrule.tests.yaml"]);
    expect(test.status, test.output).toBe(0);
  });

  it("the Helm chart ships the same rules and dashboard", () => {
    expect(parse(readFileSync(join(chartFiles, "prometheus-rules.yaml"), "utf8"))).toEqual(
      ruleSpec,
    );
    expect(readFileSync(join(chartFiles, "grafana-dashboard.json"), "utf8")).toBe(dashboardText);
  });
});

describe("every alert and dashboard query names an exported metric", () => {
  const registry = new Registry();
  registerOperatorMetrics(registry);
  recordBuildInfo({ version: "v", tenant: "t", cluster: "c", storage: "s" }, registry);
  const exported = new Set<string>(["up"]);
  for (const r of [registry, register]) {
    for (const m of r.getMetricsAsArray()) {
      exported.add(m.name);
      // A histogram is queried through its series.
      if (m.constructor.name === "Histogram") {
        for (const s of ["_bucket", "_sum", "_count"]) exported.add(m.name + s);
      }
    }
  }

  const queries: Array<[string, string]> = [
    ...rules.map(r => [`alert ${r.alert}`, r.expr] as [string, string]),
    ...dashboard.panels.flatMap(p =>
      (p.targets ?? []).map(t => [`panel ${p.title}`, t.expr] as [string, string]),
    ),
    ...dashboard.templating.list
      .filter(v => typeof v.query === "string" && v.query.startsWith("label_values("))
      .map(
        v =>
          ["variable", (v.query as string).replace(/^label_values\(([^,)]+).*$/, "$1")] as [
            string,
            string,
          ],
      ),
  ];

  it("finds queries to check", () => {
    expect(rules.length).toBeGreaterThanOrEqual(9);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
  });

  it.each(queries)("%s", (_where, expr) => {
    const names = metricNames(expr);
    expect(names.length, expr).toBeGreaterThan(0);
    for (const name of names) expect(exported, `${name} in ${expr}`).toContain(name);
  });
});

describe("the operator's /metrics text", () => {
  it("passes promtool check metrics (known, documented lint exceptions aside)", async () => {
    const registry = new Registry();
    registerOperatorMetrics(registry);
    recordBuildInfo({ version: "v", tenant: "t", cluster: "c", storage: "s" }, registry);
    const text = `${await registry.metrics()}\n${await register.metrics()}`;
    expect(promtoolProblems(text)).toEqual([]);
  });
});
