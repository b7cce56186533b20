// Cron schedules: parsing (5 fields, or 6 with seconds first, or a macro), validation, and which tick
// is due now. Same rules as Kubernetes' CronJob controller: never run retroactively on creation, skip
// ticks older than startingDeadlineSeconds, and after many missed ticks run only the latest one.
import { CronExpression, CronExpressionParser, type CronFieldCollection } from "cron-parser";
import type { WorkloadCronJobSpec } from "../../crd/types";

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** How many missed ticks `computeTicks` counts before it stops counting (Kubernetes uses 100). */
const MAX_COUNTED_MISSED = 100;

const DEFAULT_TIME_ZONE = "UTC";

/**
 * The expression cron-parser should parse, or a human-readable reason it is not acceptable. Five fields
 * are standard cron; six have seconds first (cron-parser's and Quartz's order) and tick by the second.
 */
export function normalizeSchedule(
  schedule: string,
): { expression: string; seconds: boolean } | { error: string } {
  const trimmed = schedule.trim();
  if (trimmed.startsWith("@")) {
    const expanded = MACROS[trimmed.toLowerCase()];
    return expanded
      ? { expression: expanded, seconds: false }
      : { error: `unknown schedule macro "${trimmed}" (use ${Object.keys(MACROS).join(", ")})` };
  }
  const fields = trimmed.split(/\s+/).filter(f => f.length > 0);
  if (fields.length === 5 || fields.length === 6) {
    return { expression: fields.join(" "), seconds: fields.length === 6 };
  }
  return {
    error: `schedule "${schedule}" has ${fields.length} fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)`,
  };
}

/**
 * Results by schedule and time zone. A cron job is reconciled on every change of its Jobs, and when
 * 100 ticks fall on the same second their reconciles share the operator's one thread: parsing the
 * schedule and checking the time zone again each time took a fifth of that thread before the first
 * Job went out (a CPU profile of `npm run bench -- scale`). Cleared when it holds MEMO_LIMIT entries.
 */
const MEMO_LIMIT = 10_000;
const problemsMemo = new Map<string, readonly string[]>();
const fieldsMemo = new Map<string, CronFieldCollection>();

function memoized<V>(memo: Map<string, V>, key: string, compute: () => V): V {
  const known = memo.get(key);
  if (known !== undefined) return known;
  const value = compute();
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** True when Intl knows the IANA time zone name. */
function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Problems with schedule and timeZone; empty when both are usable. */
export function scheduleProblems(spec: WorkloadCronJobSpec): string[] {
  const tz = spec.timeZone ?? DEFAULT_TIME_ZONE;
  if (typeof spec.schedule !== "string") return findScheduleProblems(spec.schedule, tz);
  const schedule = spec.schedule;
  return [
    ...memoized(problemsMemo, `${tz}\0${schedule}`, () => findScheduleProblems(schedule, tz)),
  ];
}

function findScheduleProblems(schedule: unknown, tz: string): string[] {
  const problems: string[] = [];
  if (!isValidTimeZone(tz)) problems.push(`timeZone "${tz}" is not a known IANA time zone`);
  if (typeof schedule !== "string" || schedule.trim() === "") {
    problems.push("schedule is required");
    return problems;
  }
  const normalized = normalizeSchedule(schedule);
  if ("error" in normalized) {
    problems.push(normalized.error);
    return problems;
  }
  try {
    CronExpressionParser.parse(normalized.expression, { tz: "UTC", strict: false });
  } catch (err) {
    problems.push(`schedule "${schedule}" is not valid: ${(err as Error).message}`);
  }
  return problems;
}

/** The schedule as an expression positioned at `at`; its parsed fields are shared (read-only). */
function parse(spec: WorkloadCronJobSpec, at: Date): CronExpression {
  const normalized = normalizeSchedule(spec.schedule);
  if ("error" in normalized) throw new Error(normalized.error);
  const tz = spec.timeZone ?? DEFAULT_TIME_ZONE;
  const { expression } = normalized;
  const fields = memoized(
    fieldsMemo,
    expression,
    () => CronExpressionParser.parse(expression, { tz }).fields,
  );
  return new CronExpression(fields, { expression, currentDate: at, tz });
}

export interface Ticks {
  /** The most recent tick that is due and not yet run (undefined: nothing to run now). */
  due?: Date;
  /** The next tick after `now`: when to look again. */
  next: Date;
  /** Ticks that were due since the last run, including `due` (counted up to MAX_COUNTED_MISSED + 1). */
  missed: number;
  /** Some ticks since the start were passed over because they are older than startingDeadlineSeconds. */
  skippedByDeadline: boolean;
}

/**
 * The tick to run now, if any. `lastScheduleTime` is the last tick already run (status); without it,
 * `since` (the resource's creation time) is the start, and without that nothing is due: a new or
 * re-adopted workload never runs retroactively.
 */
export function computeTicks(
  spec: WorkloadCronJobSpec,
  lastScheduleTime: Date | undefined,
  now: Date,
  since?: Date,
): Ticks {
  const next = parse(spec, now).next().toDate();
  const start = lastScheduleTime ?? since ?? now;
  let earliest = start;
  let skippedByDeadline = false;
  if (spec.startingDeadlineSeconds !== undefined) {
    const deadlineStart = new Date(now.getTime() - spec.startingDeadlineSeconds * 1000);
    if (deadlineStart > start) {
      earliest = deadlineStart;
      // Were ticks passed over between the start and the deadline window?
      skippedByDeadline = parse(spec, start).next().toDate() <= deadlineStart;
    }
  }
  // prev() is exclusive, so look back from just after `now` to count a tick exactly at `now`.
  const latestExpr = parse(spec, new Date(now.getTime() + 1));
  const latest = latestExpr.prev().toDate();
  if (latest <= earliest) return { next, missed: 0, skippedByDeadline };
  let missed = 0;
  const walker = parse(spec, earliest);
  while (missed <= MAX_COUNTED_MISSED) {
    if (walker.next().toDate() > now) break;
    missed += 1;
  }
  return { due: latest, next, missed, skippedByDeadline };
}

/** True when the schedule has a seconds field (6 fields): it ticks by the second. */
function hasSeconds(schedule: string): boolean {
  const normalized = normalizeSchedule(schedule);
  return "seconds" in normalized && normalized.seconds;
}

/**
 * The tick time a Job name encodes: unix minutes for a 5-field schedule or macro (as always), unix
 * seconds for a 6-field one, whose ticks can fall within one minute.
 */
export function tickNumber(tick: Date, schedule: string): number {
  const unit = hasSeconds(schedule) ? 1000 : 60_000;
  return Math.floor(tick.getTime() / unit);
}
