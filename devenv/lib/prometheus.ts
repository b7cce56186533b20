// Reading an operator's /metrics in e2e tests: the Prometheus text format, parsed just enough to
// look up one sample by metric name and labels.
import { spawnSync } from "node:child_process";
import { httpGet } from "./operator";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`; throws if absent. */
export function sampleValue(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const found = samples.filter(
    s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length !== 1) {
    throw new Error(`expected one sample ${name}${JSON.stringify(labels)}, found ${found.length}`);
  }
  return found[0].value;
}

/**
 * Lint problems `promtool check metrics` may report that are not ours to fix: the predecessor's name
 * k8_highlander_goroutine_count (kept so its dashboards work) and prom-client's nodejs_active_*_total
 * gauges. Anything else (a parse error, a new lint problem) fails the check.
 */
const KNOWN_METRIC_LINT = [
  /^k8_highlander_goroutine_count non-histogram and non-summary metrics should not have "_count" suffix$/,
  /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/,
];

/** Runs `promtool check metrics` on a scrape; returns the problems not in KNOWN_METRIC_LINT. */
export function promtoolProblems(text: string): string[] {
  const run = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  if (run.error) throw new Error(`promtool could not run: ${run.error.message}`);
  const lines = `${run.stdout}${run.stderr}`.split("\n").filter(l => l.trim() !== "");
  const unknown = lines.filter(l => !KNOWN_METRIC_LINT.some(re => re.test(l.trim())));
  // Exit 3 is "lint problems found"; anything else non-zero is an error promtool explains.
  if (run.status !== 0 && run.status !== 3) return [`exit ${run.status}`, ...unknown];
  return unknown;
}

/** Fetches `<url>/metrics` as text. */
export async function scrapeText(url: string): Promise<string> {
  const res = await httpGet(`${url}/metrics`);
  if (!res.ok) throw new Error(`GET ${url}/metrics: ${res.status}`);
  return res.text();
}
