// Structured JSON logging on stdout (what `kubectl logs` and log shippers expect), via pino.
import pino, { type DestinationStream, type Logger } from "pino";
import { parseLogLevel, type LogLevel } from "./levels";

export type { Logger } from "pino";

/** Identifies the object a log line is about, so lines can be filtered per workload. */
export interface ResourceRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** Key paths whose values never reach the log, whatever a caller passes in. */
const REDACTED_PATHS = [
  "password",
  "*.password",
  "*.*.password",
  "databaseURL",
  "*.databaseURL",
  "authorization",
  "*.authorization",
];

/**
 * Creates the process logger. `level` defaults to HIGHLANDER_LOG_LEVEL, then "info"; an invalid
 * level throws. `destination` exists for tests; production writes to stdout.
 */
export function createLogger(
  level: string | undefined = process.env.HIGHLANDER_LOG_LEVEL,
  destination?: DestinationStream,
): Logger {
  const chosen: LogLevel =
    level === undefined || level === "" ? "info" : parseLogLevel(level, "HIGHLANDER_LOG_LEVEL");
  const options: pino.LoggerOptions = {
    name: "highlander",
    level: chosen,
    // Level names, not numbers: readable in raw `kubectl logs` output.
    formatters: { level: label => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "****" },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * A child logger whose every line carries the resource it is about, nested under `resource`:
 * a flat `name` would overwrite the logger's own `name: "highlander"`.
 */
export function resourceLogger(parent: Logger, resource: ResourceRef): Logger {
  const context: Record<string, string> = { kind: resource.kind, name: resource.name };
  if (resource.namespace !== undefined) context.namespace = resource.namespace;
  return parent.child({ resource: context });
}

/** A child logger for one component of the operator (e.g. "elector", "http"). */
export function componentLogger(parent: Logger, component: string): Logger {
  return parent.child({ component });
}
