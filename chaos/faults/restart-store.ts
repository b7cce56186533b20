// The lock store killed and started again on the same port. Redis without persistence forgets its
// epoch counter: by design the lock alone cannot keep epochs increasing then; the fence must. Not
// drawn for Spanner: the managed service does not lose committed rows, and a restarted emulator
// (in memory only) would have to be told to create its instance and database again.
import { begin } from "./common";
import type { Fault } from "./types";

export const restartStore: Fault = {
  kind: "restart-store",
  supports: backend => backend !== "kubernetes" && backend !== "spanner",
  async run(ctx) {
    const restart = ctx.backend.restart;
    if (!restart) throw new Error(`${ctx.backend.name} cannot be restarted`);
    const result = begin(this.kind, ctx.backend.name);
    const before = ctx.observer.leader();
    ctx.touchWorkloads();
    await restart();
    result.notes.push(`leader before: ${before?.name ?? "none"} epoch ${before?.epoch ?? "?"}`);
    result.endedAt = Date.now();
    return result;
  },
};
