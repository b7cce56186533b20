// One log schema for the whole process. Pepr 1.1.4 creates its own pino logger at load time (numeric
// levels, epoch-ms times, no name) and offers no option for its format, only LOG_LEVEL. Its lines are
// re-emitted through ours instead: its logger's destination (pino's documented `symbols.streamSym`)
// becomes a small sink that parses each line Pepr writes and logs it again with our logger, tagged
// `component: "pepr"`. Uncaught errors become one fatal JSON line with the stack in `err.stack`, and
// Node's process warnings warn lines.
import pino, { type Logger } from "pino";
import { createLogger } from "./logger";
import { isLogLevel } from "./levels";

type Level = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

const PINO_LEVELS: Record<number, Level> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};

/** Fields of Pepr's lines that our logger writes itself. */
const OWN_FIELDS = new Set(["level", "time", "pid", "hostname", "msg", "v"]);

/**
 * Pepr's chatter about our own static bindings: at start it logs two info lines per binding (16 for
 * ours), the second a JSON dump of its filters (often `"{}"`). Useful when debugging, noise otherwise.
 */
const DEMOTED = [/ configured for /];

export interface BridgedLine {
  level: Level;
  fields: Record<string, unknown>;
  msg: string;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? { data: value } : undefined;
  } catch {
    return undefined;
  }
}

/** Translates one line Pepr's logger wrote into a line of ours. */
export function translatePeprLine(line: string): BridgedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { level: "info", fields: { component: "pepr" }, msg: line.trim() };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { level: "info", fields: { component: "pepr" }, msg: line.trim() };
  const raw = parsed as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (OWN_FIELDS.has(key)) continue;
    // `name` is ours ("highlander"); Pepr's own, if it ever sends one, is kept beside it.
    fields[key === "name" ? "peprName" : key] = value;
  }
  fields.component = "pepr";
  const numeric = typeof raw.level === "number" ? PINO_LEVELS[raw.level] : undefined;
  const label = typeof raw.level === "string" && isLogLevel(raw.level) ? raw.level : undefined;
  let level: Level = numeric ?? label ?? "info";
  let msg = typeof raw.msg === "string" ? raw.msg : raw.msg === undefined ? "" : String(raw.msg);
  // A message that is itself a JSON dump goes into a field, where it can be queried.
  const dumped = parseObject(msg);
  if (dumped) {
    Object.assign(fields, dumped);
    msg = "pepr detail";
    if (level === "info") level = "debug";
  }
  if (level === "info" && DEMOTED.some(re => re.test(msg))) level = "debug";
  return { level, fields, msg };
}

/** A pino destination that hands each line to `target()` as one of our lines. */
export function bridgeDestination(target: () => Logger): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      for (const line of chunk.split("\n")) {
        if (line.trim() === "") continue;
        const { level, fields, msg } = translatePeprLine(line);
        target()[level](fields, msg);
      }
    },
  };
}

let processLog: Logger | undefined;
let bridged: Logger | undefined;

/** Before the operator has read its configuration: HIGHLANDER_LOG_LEVEL when valid, else info. */
function provisional(): Logger {
  const env = (process.env.HIGHLANDER_LOG_LEVEL ?? "").trim().toLowerCase();
  processLog ??= createLogger(isLogLevel(env) ? env : "info");
  return processLog;
}

/** The process-wide logger: the operator's once set, a provisional one before. */
export function processLogger(): Logger {
  return processLog ?? provisional();
}

/** Makes `log` the logger every bridged line and fatal error goes through. */
export function setProcessLogger(log: Logger): void {
  processLog = log;
  // Pepr filters by its own level first: let through what ours would print.
  if (bridged) bridged.level = log.level;
}

/**
 * Sends Pepr's log lines through ours. Call before anything makes Pepr log (its capabilities log
 * while they are defined, at import time).
 */
export function bridgePeprLogger(peprLog: Logger): void {
  const stream = bridgeDestination(processLogger);
  (peprLog as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = stream;
  bridged = peprLog;
  peprLog.level = processLogger().level;
}

/** Logs `err` as one fatal line (stack in `err.stack`) and exits. */
export function fatalExit(err: unknown, msg: string, code = 1): never {
  processLogger().fatal({ err }, msg);
  process.exit(code);
}

/**
 * Uncaught exceptions and unhandled rejections end the process with one fatal JSON line; Node's
 * process warnings (deprecations and the like), which it would print as raw text on stderr, become
 * warn lines.
 */
export function installFatalHandlers(): void {
  process.removeAllListeners("warning");
  process.on("warning", warning =>
    processLogger().warn(
      { warning: { name: warning.name, code: (warning as { code?: string }).code } },
      warning.message,
    ),
  );
  process.on("uncaughtException", err => fatalExit(err, `uncaught exception: ${err.message}`));
  process.on("unhandledRejection", reason =>
    fatalExit(
      reason,
      `unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`,
    ),
  );
}
