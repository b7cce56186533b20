// A leader-election candidate as a real process, for the frozen-leader test and the failover bench.
// It campaigns with the elector, attempts a guarded write right after winning and then every
// writeIntervalMs, and reports each outcome as one JSON line. SIGTERM/SIGINT: stop acting, release,
// exit (our own handler; the Spanner library installs handlers that do not exit).
import { LeaderElector } from "../elector";
import { createLockStore } from "../factory";
import { NotLeaderError } from "../guard";
import { CANDIDATE_CONFIG_ENV, type CandidateConfig, type CandidateEvent } from "./protocol";

function say(event: CandidateEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function main(): Promise<void> {
  const raw = process.env[CANDIDATE_CONFIG_ENV];
  if (!raw) throw new Error(`${CANDIDATE_CONFIG_ENV} is not set`);
  const config = JSON.parse(raw) as CandidateConfig;
  const store = await createLockStore(config.store);
  const elector = new LeaderElector({
    store,
    key: config.key,
    identity: config.identity,
    ...config.timing,
    onStartedLeading: epoch => {
      say({ event: "leading", epoch, at: Date.now() });
      write();
    },
    onStoppedLeading: reason => say({ event: "stopped-leading", reason, at: Date.now() }),
  });
  let wasLeading = false;
  function write(): void {
    try {
      const { epoch } = elector.guard.check();
      wasLeading = true;
      say({ event: "write", epoch, at: Date.now() });
    } catch (err) {
      if (!(err instanceof NotLeaderError)) throw err;
      // Report refusals only from a process that believed it led: the interesting case.
      if (wasLeading) say({ event: "refused", reason: err.reason, at: Date.now() });
      wasLeading = false;
    }
  }
  const writer = setInterval(write, config.writeIntervalMs);
  let exiting = false;
  const shutdown = async () => {
    if (exiting) return;
    exiting = true;
    clearInterval(writer);
    await elector.stop();
    say({ event: "exiting", at: Date.now() });
    await store.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
  elector.start();
  say({ event: "ready", identity: config.identity, at: Date.now() });
}

main().catch(err => {
  process.stderr.write(`candidate failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
