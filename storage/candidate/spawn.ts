// Starts candidate/main.ts as a real child process and follows its JSON event lines.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CANDIDATE_CONFIG_ENV, type CandidateConfig, type CandidateEvent } from "./protocol";

export interface CandidateProcess {
  readonly identity: string;
  readonly child: ChildProcess;
  /** Every event so far, each with the parent's receive time (Date.now()). */
  readonly events: (CandidateEvent & { receivedAt: number })[];
  /** Resolves with the first event (after index `from`) that matches. */
  next(
    match: (e: CandidateEvent) => boolean,
    timeoutMs: number,
    from?: number,
  ): Promise<CandidateEvent & { receivedAt: number }>;
  signal(sig: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
}

/** Path of the candidate entry point, from the repository root. */
const CANDIDATE_MAIN = join("storage", "candidate", "main.ts");

export function spawnCandidate(
  config: CandidateConfig,
  opts: { cwd?: string; stderr?: (line: string) => void } = {},
): CandidateProcess {
  const child = spawn(process.execPath, ["--import", "tsx", CANDIDATE_MAIN], {
    cwd: opts.cwd ?? process.cwd(),
    env: {
      ...process.env,
      [CANDIDATE_CONFIG_ENV]: JSON.stringify(config),
      METADATA_SERVER_DETECTION: "none",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: (CandidateEvent & { receivedAt: number })[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on("line", line => {
    try {
      events.push({ ...(JSON.parse(line) as CandidateEvent), receivedAt: Date.now() });
    } catch {
      return;
    }
    for (const wake of waiters) wake();
  });
  createInterface({ input: child.stderr! }).on("line", line => opts.stderr?.(line));
  const exited = new Promise<number | null>(resolve => child.on("exit", code => resolve(code)));
  return {
    identity: config.identity,
    child,
    events,
    exited,
    signal(sig) {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
    next(match, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`candidate ${config.identity}: no matching event in ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
