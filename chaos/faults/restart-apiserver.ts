// kube-apiserver stopped and started again in place (same arguments and port).
import { begin } from "./common";
import type { Fault } from "./types";

export const restartApiserver: Fault = {
  kind: "restart-apiserver",
  supports: () => true,
  async run(ctx) {
    const result = begin(this.kind, "kube-apiserver");
    await ctx.cluster.restartApiserver();
    ctx.touchWorkloads();
    result.endedAt = Date.now();
    return result;
  },
};
