// The log levels an operator may choose, and the check that turns a typo into a clear error
// instead of pino's generic "unknown level" thrown deep inside logger construction.
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Parses a level name case-insensitively; throws naming the accepted values. */
export function parseLogLevel(raw: string, source = "log level"): LogLevel {
  const value = raw.trim().toLowerCase();
  if (isLogLevel(value)) return value;
  throw new Error(`${source}: must be one of ${LOG_LEVELS.join(", ")}, got "${raw}"`);
}
