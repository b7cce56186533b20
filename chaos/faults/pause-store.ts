// The lock store's process group SIGSTOPped past the lease, then SIGCONT.
import { sleep } from "../../devenv/lib/processes";
import { begin } from "./common";
import type { Fault } from "./types";

export const pauseStore: Fault = {
  kind: "pause-store",
  // The Kubernetes Lease lives in etcd behind kube-apiserver; pausing it pauses the whole cluster.
  supports: backend => backend !== "kubernetes",
  async run(ctx) {
    const { pause, resume } = ctx.backend;
    if (!pause || !resume) throw new Error(`${ctx.backend.name} cannot be paused`);
    const result = begin(this.kind, ctx.backend.name);
    const before = ctx.observer.leader();
    const pauseMs = ctx.leaseMs + ctx.rng.int(1000, 4000);
    pause();
    ctx.touchWorkloads();
    await sleep(pauseMs);
    resume();
    result.notes.push(`paused ${pauseMs} ms; leader before: ${before?.name ?? "none"}`);
    result.endedAt = Date.now();
    return result;
  },
};
