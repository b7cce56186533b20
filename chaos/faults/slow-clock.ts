// A replica restarted under libfaketime with a slow clock (rate 0.5 or 0.7), made the likely next
// leader by SIGKILLing the current one if it is not the slow replica itself. It keeps its slow clock
// until a later fault restarts it.
import { faketimeEnv } from "../../devenv/lib/faketime";
import { begin, leadingReplica, recordTakeover, restart } from "./common";
import type { Fault } from "./types";

export const slowClock: Fault = {
  kind: "slow-clock",
  supports: () => true,
  async run(ctx) {
    const { replica: leader, epoch } = await leadingReplica(ctx);
    const others = ctx.replicas.filter(r => r !== leader);
    const slow = ctx.rng.pick(others);
    const rate = ctx.rng.pick([0.5, 0.7]);
    const result = begin(this.kind, slow.name);
    await restart(slow, faketimeEnv(rate));
    result.notes.push(`clock rate ${rate}`);
    // Take the leader out so the slow replica may win the next term.
    leader.signal("SIGKILL");
    ctx.touchWorkloads();
    await recordTakeover(ctx, result, { name: leader.name, epoch });
    await restart(leader);
    result.endedAt = Date.now();
    return result;
  },
};
