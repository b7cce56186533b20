// The leader's requests to kube-apiserver held in the network longer than the lease, then delivered
// in order (issue 10's first fault): a write sent before the takeover lands after the new leader's.
import { sleep } from "../../devenv/lib/processes";
import { begin, leadingReplica, recordTakeover, touchThenWait } from "./common";
import type { Fault } from "./types";

export const freezeApiserver: Fault = {
  kind: "freeze-apiserver",
  supports: () => true,
  async run(ctx) {
    const { replica, epoch } = await leadingReplica(ctx);
    await touchThenWait(ctx);
    const result = begin(this.kind, replica.name);
    const holdMs = ctx.leaseMs + ctx.rng.int(1000, 5000);
    // The leader's writes for the spec change are in flight now: hold them past the lease.
    replica.apiProxy.freeze();
    // Another change the next leader applies; the held, older writes land after it.
    ctx.touchWorkloads();
    const takeover = recordTakeover(ctx, result, { name: replica.name, epoch }, holdMs + 20_000);
    await sleep(holdMs);
    replica.apiProxy.release();
    result.notes.push(`held ${holdMs} ms`);
    await takeover;
    result.endedAt = Date.now();
    return result;
  },
};
