// The run's report: printed for people, written as JSON for tools (chaos-results/<date>.json).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AuditResult, Excused, Violation } from "./auditor";
import type { FaultResult } from "./faults/types";
import type { LeaderSample } from "./leadership";
import type { Backend } from "./options";
import { percentile } from "../devenv/lib/percentile";

export interface BackendReport {
  backend: Backend;
  seed: number;
  startedAt: string;
  endedAt: string;
  faults: FaultResult[];
  faultsByKind: Record<string, number>;
  /** Faults that threw (the suite's own trouble, not the operator's), with the message. */
  faultErrors: Array<{ kind: string; error: string }>;
  violations: Violation[];
  violationsByKind: Record<string, number>;
  /** Documented behaviour that an auditor rule would otherwise count, with the reason. */
  excused: Excused[];
  takeoverMs: Record<string, { n: number; p50: number; p99: number }>;
  /** Time no answering replica said it led, after the first leader appeared. */
  leaderlessMs: number;
  fenceSource: AuditResult["fenceSource"];
  terms: number;
  writes: AuditResult["writes"];
  barrier?: AuditResult["barrier"];
  auditEvents: number;
  watchEvents: number;
  /** Set when the run could not start or broke off. */
  error?: string;
}

/** The entry of a backend whose run broke before it could be judged. */
export function failedReport(backend: Backend, seed: number, error: string): BackendReport {
  const now = new Date().toISOString();
  return {
    backend, seed, startedAt: now, endedAt: now, faults: [], faultsByKind: {}, faultErrors: [],
    violations: [], violationsByKind: {}, excused: [], takeoverMs: {}, leaderlessMs: 0, fenceSource: "status-poll",
    terms: 0, writes: {}, auditEvents: 0, watchEvents: 0, error,
  }; // prettier-ignore
}

export function takeoverStats(faults: FaultResult[]): BackendReport["takeoverMs"] {
  const byKind = new Map<string, number[]>();
  for (const f of faults) {
    if (f.takeoverMs === undefined) continue;
    byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f.takeoverMs]);
  }
  const out: BackendReport["takeoverMs"] = {};
  for (const [kind, values] of byKind) {
    const sorted = [...values].sort((a, b) => a - b);
    out[kind] = { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
  return out;
}

export function leaderlessMs(samples: LeaderSample[]): number {
  let total = 0;
  let led = false;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1].leaders.length > 0) led = true;
    if (led && samples[i - 1].leaders.length === 0) total += samples[i].at - samples[i - 1].at;
  }
  return total;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/**
 * The fault a time falls into, or the last one before it: "during kill-leader on replica-2", or
 * "4.2 s after restart-apiserver on kube-apiserver". For reading a violation next to its likely cause.
 */
export function faultNear(faults: FaultResult[], at: number): { kind: string; text: string } {
  let last: FaultResult | undefined;
  for (const f of faults) {
    if (f.startedAt <= at && at <= f.endedAt)
      return { kind: f.kind, text: `during ${f.kind} on ${f.target}` };
    if (f.endedAt < at && (!last || f.endedAt > last.endedAt)) last = f;
  }
  if (!last) return { kind: "none", text: "before the first fault" };
  const after = ((at - last.endedAt) / 1000).toFixed(1);
  return { kind: last.kind, text: `${after} s after ${last.kind} on ${last.target}` };
}

export function printReport(reports: BackendReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`== ${r.backend} (seed ${r.seed}) ${r.startedAt} .. ${r.endedAt}`);
    if (r.error) lines.push(`  run error: ${r.error}`);
    lines.push(`  faults: ${r.faults.length} ${JSON.stringify(r.faultsByKind)}`);
    for (const e of r.faultErrors) lines.push(`  fault error (${e.kind}): ${e.error}`);
    lines.push(
      `  fence source: ${r.fenceSource} (${r.terms} terms)${r.fenceSource === "status-poll" ? " - the operators' own word, no fence or Lease in the audit log" : ""}`,
    );
    lines.push(`  takeover ms by fault kind: ${JSON.stringify(r.takeoverMs)}`);
    lines.push(`  leaderless: ${r.leaderlessMs} ms`);
    lines.push(`  writes by replica: ${JSON.stringify(r.writes)}`);
    if (r.barrier && r.barrier.terms > 0)
      lines.push(
        `  fence barrier: ${r.barrier.withProbe} of ${r.barrier.terms} terms that changed hands showed a refused probe, ms after the advance ${JSON.stringify(r.barrier.msAfterAdvance)}`,
      );
    lines.push(`  violations: ${r.violations.length} ${JSON.stringify(r.violationsByKind)}`);
    const near = r.violations.map(v => faultNear(r.faults, Date.parse(v.at)));
    if (near.length > 0) {
      const byFault = countBy(near, n => n.kind);
      lines.push(`  violations by the fault they fell in or after: ${JSON.stringify(byFault)}`);
    }
    r.violations
      .slice(0, 20)
      .forEach((v, i) => lines.push(`    [${v.kind}] ${v.at} ${v.message} (${near[i].text})`));
    if (r.violations.length > 20)
      lines.push(`    ... ${r.violations.length - 20} more in the JSON report`);
    if (r.excused.length > 0)
      lines.push(`  excused (by design, not violations): ${r.excused.length}`);
    for (const e of r.excused.slice(0, 20)) lines.push(`    [${e.kind}] ${e.at} ${e.message}`);
  }
  const faults = reports.reduce((n, r) => n + r.faults.length, 0);
  const violations = reports.reduce((n, r) => n + r.violations.length, 0);
  lines.push(`faults=${faults} violations=${violations}`);
  return lines.join("\n");
}

export function writeReport(outDir: string, reports: BackendReport[]): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ reports }, null, 2));
  return file;
}
