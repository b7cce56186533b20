// Go-style duration strings ("30s", "1m30s", "250ms", "2h") as the predecessor's gracePeriod and
// readinessTimeout fields carry them.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/y;

/** Milliseconds of a Go duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (text === "0") return 0;
  if (text.length === 0) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) return undefined;
    total += Number.parseFloat(match[1]) * UNIT_MS[match[2]];
  }
  return total;
}

/** Whole seconds, rounded up so a "1500ms" grace period is not cut to 1 s. */
export function durationToSeconds(text: string): number | undefined {
  const ms = parseDuration(text);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}
