// The leader's process group gets a signal, then the replica is started again: SIGKILL is a crash (no
// release, standbys wait out the lease), SIGTERM a graceful step-down (stop acting, release, exit).
import { begin, leadingReplica, recordTakeover, restart, touchThenWait } from "./common";
import type { Fault } from "./types";

function signalLeader(kind: string, signal: "SIGKILL" | "SIGTERM"): Fault {
  return {
    kind,
    supports: () => true,
    async run(ctx) {
      const { replica, epoch } = await leadingReplica(ctx);
      await touchThenWait(ctx);
      const result = begin(kind, replica.name);
      replica.signal(signal);
      await recordTakeover(ctx, result, { name: replica.name, epoch });
      await restart(replica);
      result.endedAt = Date.now();
      return result;
    },
  };
}

export const killLeader = signalLeader("kill-leader", "SIGKILL");
export const termLeader = signalLeader("term-leader", "SIGTERM");
