// Durations as operators write them: Go-style strings ("15s", "1m30s", "500ms", "2h") or a plain
// number of seconds ("15", 15, 2.5) as the predecessor's HIGHLANDER_LEADER_LOCK_TTL documented.
// The Go-style grammar is the one workload specs use (controllers/common/duration.ts).
import { parseDuration as parseGoDuration } from "../workloads/controllers/common/duration";

const PLAIN_SECONDS = /^\d+(?:\.\d+)?$/;

/** Milliseconds, or undefined when the text is not a non-negative duration. */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === "number") {
    return Number.isFinite(input) && input >= 0 ? Math.round(input * 1000) : undefined;
  }
  if (typeof input !== "string") return undefined;
  const text = input.trim();
  if (text === "") return undefined;
  if (PLAIN_SECONDS.test(text)) return Math.round(Number(text) * 1000);
  const ms = parseGoDuration(text);
  return ms === undefined || !Number.isFinite(ms) ? undefined : Math.round(ms);
}

/** "1m30s", "500ms", "0s": the inverse of parseDuration, for messages and docs. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    const whole = Math.floor(rest / size);
    if (whole > 0) {
      out += `${whole}${unit}`;
      rest -= whole * size;
    }
  }
  if (rest > 0) out += `${rest}ms`;
  return out;
}
