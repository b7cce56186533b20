// `highlander run --lease <tenant>/<name> (--service URL | --storage TYPE) -- <command…>`: keeps one
// command running at most once across every machine that runs it with the same lease.
//
// It is storage's LeaderElector over a LockStore — the lease service's HTTP client, or a storage
// backend directly — plus child-process management:
// - while someone else holds the lease, it retries every retry period;
// - once it holds the lease it starts the command with HIGHLANDER_EPOCH/LEASE/HOLDER in its env;
// - the elector renews in the background and ends leadership the moment renewDeadline has passed
//   since the start of the last successful renewal (a monotonic timer), and the command is stopped
//   then (SIGTERM, SIGKILL after the grace period); the runner exits with EXIT_LEASE_LOST so a
//   supervisor restarts it as a standby;
// - when the command exits, the lease is released and the runner exits with the command's code;
// - SIGTERM/SIGINT stop the command, release the lease, and exit.
import { LeaderElector, type StopReason } from "../storage/elector";
import { createLockStore } from "../storage/factory";
import { candidateIdentity } from "../storage/identity";
import { instrument } from "../storage/instrumented";
import type { LockStore } from "../storage/types";
import { HttpLockStore, LeaseServiceError } from "../functions/client";
import { toPrintable } from "../functions/validate";
import type { ParsedArgs } from "./args";
import { describeExit, exitCodeOf, startCommand, type RunningCommand } from "./run-child";
import { runPlan, type RunPlan } from "./run-options";
import { EXIT_LEASE_LOST, EXIT_REFUSED } from "./run-codes";

export { EXIT_LEASE_LOST, EXIT_REFUSED };

function log(message: string): void {
  process.stderr.write(`highlander run: ${message}\n`);
}

async function openStore(plan: RunPlan): Promise<LockStore> {
  if (plan.backend.kind === "service") {
    return instrument(
      new HttpLockStore({
        serviceUrl: plan.backend.serviceUrl,
        token: plan.backend.token,
        headers: plan.backend.headers,
        timeoutMs: plan.timing.renewDeadlineMs,
      }),
    );
  }
  return createLockStore(plan.backend.config);
}

/** Runs the plan to the end; resolves the exit code. */
export async function runLeased(plan: RunPlan): Promise<number> {
  const store = await openStore(plan);
  const identity = plan.holder ?? candidateIdentity();
  const leaseName = `${plan.lease.tenant}/${plan.lease.name}`;
  // Fail fast on what retrying cannot fix (a wrong token), before waiting for the lease.
  try {
    await store.get(plan.key);
  } catch (err) {
    if (err instanceof LeaseServiceError && err.permanent) {
      log(err.message);
      await store.close().catch(() => {});
      return EXIT_REFUSED;
    }
    log(`cannot read lease ${leaseName} yet (${(err as Error).message}); will keep trying`);
  }

  const elector = new LeaderElector({
    store,
    key: plan.key,
    identity,
    clusterName: plan.clusterName,
    // Shown by the service's dashboard: one line, no control characters (the service refuses them).
    metadata: { command: toPrintable(plan.command.join(" ")).slice(0, 512) },
    ...plan.timing,
  });

  return new Promise<number>(resolve => {
    let command: RunningCommand | undefined;
    let finishing = false;
    let lost = false;
    let lastError = "";

    const finish = async (code: number) => {
      if (finishing) return;
      finishing = true;
      for (const sig of ["SIGTERM", "SIGINT"] as const) process.off(sig, onSignal);
      await elector.stop(); // releases the lease if we still hold it
      await store.close().catch(() => {});
      resolve(code);
    };

    const onSignal = (signal: NodeJS.Signals) => {
      if (finishing) return;
      log(`${signal}: stopping the command and releasing lease ${leaseName}`);
      const running = command;
      if (!running) {
        void finish(signal === "SIGINT" ? 130 : 143);
        return;
      }
      void running.stop(plan.gracePeriodMs).then(status => finish(exitCodeOf(status)));
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);

    elector.on("error", (err, operation) => {
      const message = `${operation} failed: ${err instanceof Error ? err.message : String(err)}`;
      if (message !== lastError) log(message); // one line per distinct problem, not per retry
      lastError = message;
    });

    elector.on("newLeader", record => {
      if (record.holderId !== identity && record.holderId !== "") {
        log(`lease ${leaseName} is held by ${record.holderId} (epoch ${record.epoch}); waiting`);
      }
    });

    elector.on("startedLeading", epoch => {
      if (finishing) return;
      lastError = "";
      log(`acquired lease ${leaseName} as ${identity} with epoch ${epoch}; starting the command`);
      const running = startCommand(
        plan.command,
        {
          ...process.env,
          HIGHLANDER_EPOCH: String(epoch),
          HIGHLANDER_LEASE: leaseName,
          HIGHLANDER_HOLDER: identity,
        },
        plan.gracePeriodMs,
      );
      command = running;
      void running.exited.then(async status => {
        if (finishing || command !== running || lost) return;
        log(`command exited with ${describeExit(status)}; releasing lease ${leaseName}`);
        await running.stop(0); // anything it left running in its group goes too
        await finish(exitCodeOf(status));
      });
    });

    elector.on("stoppedLeading", (reason: StopReason) => {
      if (reason === "stopped" || finishing) return;
      lost = true;
      const why =
        reason === "renew-deadline"
          ? `no successful renewal within ${plan.timing.renewDeadlineMs} ms`
          : "the lease now belongs to someone else";
      const running = command;
      log(`lost lease ${leaseName} (${why}): stopping the command`);
      if (!running) {
        void finish(EXIT_LEASE_LOST);
        return;
      }
      void running.stop(plan.gracePeriodMs).then(status => {
        log(`command stopped (${describeExit(status)})`);
        return finish(EXIT_LEASE_LOST);
      });
    });

    log(`waiting for lease ${leaseName} as ${identity}`);
    elector.start();
  });
}

/** The `run` subcommand: parse, then run. Usage errors propagate to main's handler. */
export function run(args: ParsedArgs): Promise<number> {
  return runLeased(runPlan(args));
}
