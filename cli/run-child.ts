// The command `highlander run` keeps singular: spawned in a process group of its own (so stopping
// it stops whatever it started), stopped with SIGTERM then SIGKILL after a grace period, and
// watched by a tiny detached shell that kills the group if the runner itself dies (kill -9, OOM):
// an orphaned command would otherwise keep running while another runner takes the lease.
import { spawn } from "node:child_process";
import { constants } from "node:os";

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningCommand {
  readonly pid: number;
  /** Resolves once the command has exited (never rejects). */
  readonly exited: Promise<ExitStatus>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the command has exited. */
  stop(graceMs: number): Promise<ExitStatus>;
}

/** The runner's own exit code for a command's exit: its code, or 128 + the signal's number. */
export function exitCodeOf(status: ExitStatus): number {
  if (status.code !== null) return status.code;
  const n = status.signal ? constants.signals[status.signal] : undefined;
  return 128 + (n ?? 1);
}

export function describeExit(status: ExitStatus): string {
  return status.code !== null ? `exit code ${status.code}` : `signal ${status.signal}`;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** A shell loop that kills group `pgid` once process `ownerPid` is gone. */
function watchdog(ownerPid: number, pgid: number, graceMs: number): void {
  const graceSeconds = Math.max(1, Math.ceil(graceMs / 1000));
  const script =
    `while kill -0 ${ownerPid} 2>/dev/null && kill -0 -${pgid} 2>/dev/null; do sleep 0.2; done; ` +
    `kill -0 ${ownerPid} 2>/dev/null && exit 0; ` +
    `kill -TERM -${pgid} 2>/dev/null; i=0; ` +
    `while [ $i -lt ${graceSeconds * 10} ] && kill -0 -${pgid} 2>/dev/null; do sleep 0.1; i=$((i+1)); done; ` +
    `kill -KILL -${pgid} 2>/dev/null; exit 0`;
  const dog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  dog.on("error", () => {});
  dog.unref();
}

export function startCommand(
  command: string[],
  env: NodeJS.ProcessEnv,
  graceMs: number,
): RunningCommand {
  const [file, ...args] = command;
  const child = spawn(file, args, { env, stdio: "inherit", detached: true });
  let settle: (status: ExitStatus) => void = () => {};
  const exited = new Promise<ExitStatus>(resolve => (settle = resolve));
  child.on("exit", (code, signal) => settle({ code, signal }));
  // A command that cannot start (not found, not executable): exit 127 like a shell would.
  child.on("error", err => {
    process.stderr.write(`highlander run: cannot start ${file}: ${err.message}\n`);
    settle({ code: 127, signal: null });
  });
  const pid = child.pid ?? 0;
  if (pid > 0) watchdog(process.pid, pid, graceMs);
  let stopping: Promise<ExitStatus> | undefined;
  return {
    pid,
    exited,
    stop(grace: number) {
      stopping ??= (async () => {
        if (pid > 0) signalGroup(pid, "SIGTERM");
        const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), grace);
        const status = await exited;
        clearTimeout(timer);
        // The leader of the group is gone; anything it left behind in the group goes too.
        if (pid > 0) signalGroup(pid, "SIGKILL");
        return status;
      })();
      return stopping;
    },
  };
}
