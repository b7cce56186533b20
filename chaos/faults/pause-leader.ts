// SIGSTOP of the leader's process group for longer than the lease, then SIGCONT: the paused process
// wakes up believing, for a moment, that it still leads.
import { begin, leadingReplica, pauseFor, touchThenWait } from "./common";
import type { Fault } from "./types";

export const pauseLeader: Fault = {
  kind: "pause-leader",
  supports: () => true,
  async run(ctx) {
    const { replica, epoch } = await leadingReplica(ctx);
    await touchThenWait(ctx);
    const result = begin(this.kind, replica.name);
    const pauseMs = ctx.leaseMs + ctx.rng.int(1000, 4000);
    await pauseFor(ctx, result, replica, epoch, pauseMs, pauseMs + 20_000, `paused ${pauseMs} ms`);
    result.endedAt = Date.now();
    return result;
  },
};
