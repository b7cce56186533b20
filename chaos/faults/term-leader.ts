// A graceful step-down: SIGTERM of the leader (it stops acting, releases, exits), then a restart.
import { begin, leadingReplica, recordTakeover, restart, touchThenWait } from "./common";
import type { Fault } from "./types";

export const termLeader: Fault = {
  kind: "term-leader",
  supports: () => true,
  async run(ctx) {
    const { replica, epoch } = await leadingReplica(ctx);
    await touchThenWait(ctx);
    const result = begin(this.kind, replica.name);
    replica.signal("SIGTERM");
    await recordTakeover(ctx, result, { name: replica.name, epoch });
    await restart(replica);
    result.endedAt = Date.now();
    return result;
  },
};
