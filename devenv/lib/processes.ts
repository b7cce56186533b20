// Starting, watching and stopping the real servers that tests and `npm start` run on loopback.
//
// Every server is spawned detached, in a process group of its own, so that stopping it stops its
// children too. A server started for one owner process (a test run) also gets a tiny watchdog that
// kills its group when the owner dies, so an interrupted or crashed run leaves nothing behind.
import { spawn, spawnSync, type SpawnOptions } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Stops the server's whole process group: SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  /** Folder for the log file and, with `pidDir`, the PID file. */
  logDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user (through runuser), for servers that refuse to run as root. */
  user?: string;
  /** Write `<name>.pid` here so another process (`cluster:down`) can stop the server later. */
  pidDir?: string;
  /** Kill the server when this process dies. Omit for servers that must outlive their starter. */
  ownerPid?: number;
}

/** Spawns a long-running server with its output in `<logDir>/<name>.log`. */
export function startServer(opts: StartOptions): ServerProcess {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const out = openSync(logFile, "a");
  const [command, args] = opts.user
    ? ["runuser", ["-u", opts.user, "--", opts.command, ...opts.args]]
    : [opts.command, opts.args];
  const spawnOpts: SpawnOptions = {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ["ignore", out, out],
  };
  const child = spawn(command, args, spawnOpts);
  closeSync(out);
  if (child.pid === undefined) {
    throw new Error(`could not start ${opts.name} (${command}): see ${logFile}`);
  }
  child.unref();
  const pid = child.pid;
  if (opts.pidDir) {
    mkdirSync(opts.pidDir, { recursive: true });
    writeFileSync(join(opts.pidDir, `${opts.name}.pid`), `${pid}\n`);
  }
  const watchdog = opts.ownerPid ? startWatchdog(opts.ownerPid, pid) : undefined;
  return {
    name: opts.name,
    pid,
    logFile,
    async stop(graceMs = 5000) {
      await stopProcessGroup(pid, graceMs);
      if (watchdog) stopGroupNow(watchdog);
      if (opts.pidDir) rmSync(join(opts.pidDir, `${opts.name}.pid`), { force: true });
    },
  };
}

/** A detached shell that kills group `pgid` once `ownerPid` is gone. Returns the watchdog's PID. */
function startWatchdog(ownerPid: number, pgid: number): number {
  const script =
    `while kill -0 ${ownerPid} 2>/dev/null && kill -0 -${pgid} 2>/dev/null; do sleep 1; done; ` +
    `kill -TERM -${pgid} 2>/dev/null; sleep 3; kill -KILL -${pgid} 2>/dev/null; exit 0`;
  const dog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  dog.unref();
  return dog.pid ?? 0;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

function stopGroupNow(pgid: number): void {
  if (pgid > 0) signalGroup(pgid, "SIGKILL");
}

/** SIGTERM a process group, wait up to `graceMs` for every member to exit, then SIGKILL it. */
export async function stopProcessGroup(pgid: number, graceMs = 5000): Promise<void> {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return;
    await sleep(100);
  }
  signalGroup(pgid, "SIGKILL");
  const killDeadline = Date.now() + 5000;
  while (groupAlive(pgid) && Date.now() < killDeadline) await sleep(50);
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

/** Runs a short command to completion and returns its stdout; throws with its stderr on failure. */
export function run(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): string {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: opts.env ?? process.env,
    cwd: opts.cwd,
  });
  if (result.error) throw new Error(`${command} failed to start: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}: ${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

/** Last lines of a log file, for error messages that point at the real cause. */
export function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
