// SIGKILL of the leader's process group (no release), then a restart of it.
import { begin, leadingReplica, recordTakeover, restart, touchThenWait } from "./common";
import type { Fault } from "./types";

export const killLeader: Fault = {
  kind: "kill-leader",
  supports: () => true,
  async run(ctx) {
    const { replica, epoch } = await leadingReplica(ctx);
    await touchThenWait(ctx);
    const result = begin(this.kind, replica.name);
    replica.signal("SIGKILL");
    await recordTakeover(ctx, result, { name: replica.name, epoch });
    await restart(replica);
    result.endedAt = Date.now();
    return result;
  },
};
