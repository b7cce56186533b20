// Helpers shared by the backends to turn stored fields into a LockRecord.

/** Parses the metadata JSON a backend stored; anything that is not a string map becomes {}. */
export function parseMetadata(raw: unknown): Record<string, string> {
  let value: unknown = raw;
  if (typeof raw === "string") {
    if (raw === "") return {};
    try {
      value = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

/** An integer column that drivers may hand back as string (bigint) or number. */
export function toInt(value: unknown, what: string): number {
  const n = typeof value === "number" ? value : Number.parseInt(String(value), 10);
  if (!Number.isSafeInteger(n)) throw new Error(`bad ${what} in lock record: ${String(value)}`);
  return n;
}

export function toDate(value: unknown, what: string): Date {
  const d =
    value instanceof Date
      ? value
      : typeof value === "number"
        ? new Date(value)
        : new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new Error(`bad ${what} in lock record: ${String(value)}`);
  return d;
}
