// The operator's JSON log, as benchmarks read it: when a term began to act (the moment it may write,
// lock and fence both done) and when it had looked at every workload once, measured by the operator
// itself rather than by polls of its HTTP API, which a busy operator answers late (and which cost it
// the CPU of a /metrics render each).
import { readFileSync } from "node:fs";
import type { OperatorProcess } from "../../devenv/lib/operator";

export interface LogLine {
  at: number;
  msg: string;
  /** On "acting as leader" lines: how long advancing the fence took. */
  ms?: number;
}

/** The operator's JSON log lines that matter here, with their times. */
export function readLog(op: OperatorProcess): LogLine[] {
  const lines: LogLine[] = [];
  for (const text of readFileSync(op.logFile, "utf8").split("\n")) {
    if (
      !text.includes("acting as leader") &&
      !text.includes('"msg":"mode active') &&
      !text.includes("looked at every workload")
    )
      continue;
    try {
      const entry = JSON.parse(text) as { time?: string; msg?: string; ms?: unknown };
      if (typeof entry.time === "string" && typeof entry.msg === "string")
        lines.push({
          at: Date.parse(entry.time),
          msg: entry.msg,
          ms: typeof entry.ms === "number" ? entry.ms : undefined,
        });
    } catch {
      // not one of ours
    }
  }
  return lines;
}

/** A new term's first line ("advanced the fence to epoch N: acting as leader"). */
export const started = (l: LogLine): boolean => l.msg.includes(": acting as leader");

/** A mode's pass over every workload is done ("looked at every workload once in mode active"). */
export const passDone = (l: LogLine): boolean =>
  l.msg === "looked at every workload once in mode active";
