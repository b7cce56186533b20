// A standby restarted under libfaketime with a clock that runs slow or fast; it keeps that clock until
// a later fault restarts it.
//
// - slow-clock (rate 0.5 or 0.7): the leader is SIGKILLed so the slow replica may win the next term.
//   A slow clock is the dangerous one for a lease holder: it thinks its lease younger than it is.
// - fast-clock (rate 2 or 4): the leader is paused (SIGSTOP) for 60–90 % of the lease only, then
//   resumed. Counted from its last renewal (a second apart), its lease has mostly not run out by
//   real time, but a fast standby that judges expiry on its own clock (the Kubernetes Lease) measures
//   the silence on a clock that runs ahead, judges it expired after lease / rate and takes the lock.
//   The old leader wakes up inside what it still counts as its lease, with writes in flight: only the
//   API server's fence stands between them and the children. No other fault takes the lock before
//   the lease ends. (Redis, SQL and Spanner judge expiry on the server's clock: no early takeover.)
import { faketimeEnv } from "../../devenv/lib/faketime";
import type { Replica } from "../replica";
import { begin, leadingReplica, pauseFor, recordTakeover, restart, touchThenWait } from "./common";
import type { Fault, FaultContext, FaultResult } from "./types";

type Disrupt = (
  ctx: FaultContext,
  leader: Replica,
  epoch: number | null,
  result: FaultResult,
) => Promise<void>;

function skewedClock(kind: string, rates: number[], disrupt: Disrupt): Fault {
  return {
    kind,
    supports: () => true,
    async run(ctx) {
      const { replica: leader, epoch } = await leadingReplica(ctx);
      const skewed = ctx.rng.pick(ctx.replicas.filter(r => r !== leader));
      const rate = ctx.rng.pick(rates);
      const result = begin(kind, skewed.name);
      await restart(skewed, faketimeEnv(rate));
      result.notes.push(`clock rate ${rate}`);
      await disrupt(ctx, leader, epoch, result);
      result.endedAt = Date.now();
      return result;
    },
  };
}

const crashLeader: Disrupt = async (ctx, leader, epoch, result) => {
  result.startedAt = Date.now();
  leader.signal("SIGKILL");
  ctx.touchWorkloads();
  await recordTakeover(ctx, result, { name: leader.name, epoch });
  await restart(leader);
};

const pauseWithinLease: Disrupt = async (ctx, leader, epoch, result) => {
  await touchThenWait(ctx);
  const pauseMs = Math.round(ctx.leaseMs * ctx.rng.int(60, 90)) / 100;
  result.startedAt = Date.now();
  // Bounded: when the leader wakes and renews before the standby moved, no new term comes at all.
  const timeoutMs = pauseMs + 3 * ctx.leaseMs;
  const note = `leader paused ${pauseMs} ms (lease ${ctx.leaseMs} ms)`;
  await pauseFor(ctx, result, leader, epoch, pauseMs, timeoutMs, note);
};

export const slowClock = skewedClock("slow-clock", [0.5, 0.7], crashLeader);
export const fastClock = skewedClock("fast-clock", [2, 4], pauseWithinLease);
