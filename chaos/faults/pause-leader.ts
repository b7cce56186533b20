// SIGSTOP of the leader's process group for longer than the lease, then SIGCONT: the paused process
// wakes up believing, for a moment, that it still leads.
import { sleep } from "../../devenv/lib/processes";
import { begin, leadingReplica, recordTakeover, touchThenWait } from "./common";
import type { Fault } from "./types";

export const pauseLeader: Fault = {
  kind: "pause-leader",
  supports: () => true,
  async run(ctx) {
    const { replica, epoch } = await leadingReplica(ctx);
    await touchThenWait(ctx);
    const result = begin(this.kind, replica.name);
    const pauseMs = ctx.leaseMs + ctx.rng.int(1000, 4000);
    replica.signal("SIGSTOP");
    ctx.touchWorkloads();
    const takeover = recordTakeover(ctx, result, { name: replica.name, epoch }, pauseMs + 20_000);
    await sleep(pauseMs);
    ctx.touchWorkloads();
    replica.signal("SIGCONT");
    result.notes.push(`paused ${pauseMs} ms`);
    await takeover;
    result.endedAt = Date.now();
    return result;
  },
};
