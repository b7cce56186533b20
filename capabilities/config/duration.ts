// Durations as operators write them: Go-style strings ("15s", "1m30s", "500ms", "2h") or a plain
// number of seconds ("15", 15, 2.5) as the predecessor's HIGHLANDER_LEADER_LOCK_TTL documented.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
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
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (match === null || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
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
