// Shutting down on SIGTERM/SIGINT, in order: stop acting, release the lock, close the port, exit —
// and exit anyway once the termination grace period is over, should a step hang.
import type { Logger } from "../logging";

interface ShutdownSteps {
  /** Stop acting: the manager and the watches. */
  stopActing(): void;
  /** Release the lock (the elector), then close the lock store. */
  release(): Promise<void>;
  /** Close the HTTP port. */
  close(): Promise<void>;
}

export function exitOnSignals(steps: ShutdownSteps, graceMs: number, log: Logger): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: stop acting, release the lock, exit");
    // Exit even if a step hangs (the Spanner client's own signal handlers do not exit).
    setTimeout(() => process.exit(1), graceMs).unref();
    steps.stopActing();
    await steps.release();
    await steps.close();
    log.info("stopped");
    process.exit(0);
  };
  // Ours alone: Pepr's handler exits as soon as its own server closes (before our lock is released)
  // and the Spanner client's handlers never exit.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
}
