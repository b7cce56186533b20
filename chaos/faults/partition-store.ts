// The leader cut off from the lock store (connections dropped, new ones black-holed) past the lease,
// while it still reaches kube-apiserver; then healed.
import { sleep } from "../../devenv/lib/processes";
import { begin, leadingReplica, recordTakeover, touchThenWait } from "./common";
import type { Fault } from "./types";

export const partitionStore: Fault = {
  kind: "partition-store",
  // With the Kubernetes Lease the store is kube-apiserver: freeze-apiserver covers it.
  supports: backend => backend !== "kubernetes",
  async run(ctx) {
    const { replica, epoch } = await leadingReplica(ctx);
    const proxy = replica.storeProxy;
    if (!proxy) throw new Error(`${replica.name} has no lock-store proxy`);
    await touchThenWait(ctx);
    const result = begin(this.kind, replica.name);
    const cutMs = ctx.leaseMs + ctx.rng.int(1000, 4000);
    proxy.partition();
    ctx.touchWorkloads();
    const takeover = recordTakeover(ctx, result, { name: replica.name, epoch }, cutMs + 20_000);
    await sleep(cutMs);
    proxy.heal();
    result.notes.push(`partitioned ${cutMs} ms`);
    await takeover;
    result.endedAt = Date.now();
    return result;
  },
};
