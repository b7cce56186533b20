// kube-apiserver stopped and started again in place (same arguments and port). The fault lasts until
// the API server admits the replicas' writes again, which comes some seconds after it answers (the
// RBAC authorizer loads its bindings within about half a second; the fence policy has to find the
// HighlanderFence CRD of its params in a discovery mapper that kube-apiserver refreshes every 30 s, so
// in about one restart of four it refuses writes for up to 30 s): until then no replica can write a
// workload or its children, and the auditor counts that whole time as the outage.
import { sleep } from "../../devenv/lib/processes";
import { begin } from "./common";
import type { Fault } from "./types";

/** How long to wait for the fence policy to admit writes again before giving up on it. */
const POLICY_READY_TIMEOUT_MS = 120_000;

export const restartApiserver: Fault = {
  kind: "restart-apiserver",
  supports: () => true,
  async run(ctx) {
    const result = begin(this.kind, "kube-apiserver");
    await ctx.cluster.restartApiserver();
    const answered = Date.now();
    const deadline = answered + POLICY_READY_TIMEOUT_MS;
    let admitted = await ctx.replicaWritesAdmitted();
    while (!admitted && Date.now() < deadline) {
      await sleep(250);
      admitted = await ctx.replicaWritesAdmitted();
    }
    result.endedAt = Date.now();
    result.notes.push(
      admitted
        ? `down ${answered - result.startedAt} ms, then the replicas' writes refused for ${result.endedAt - answered} ms more`
        : `the replicas' writes still refused ${POLICY_READY_TIMEOUT_MS} ms after the API server answered`,
    );
    ctx.touchWorkloads();
    return result;
  },
};
