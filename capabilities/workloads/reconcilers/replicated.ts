// Keeping a replicated workload (a Deployment or StatefulSet behind it) stopped, the same way for
// WorkloadService and WorkloadPersistent: on a standby cluster the children are applied at 0 replicas
// (the controller scales down, so every pod gets its grace period); for a deletion they are only scaled
// down, without applying the spec again (see scaleToZero).
import type { Stopping } from "../kinds/definition";

/** How long to wait before looking again while pods are still stopping. */
const STOPPING_RECHECK_MS = 2000;

export async function keepReplicatedStopped<O>(
  deleting: boolean,
  scaleDown: () => Promise<{ stopped: boolean; observed: O }>,
  applyStopped: () => Promise<O>,
  podsLeft: (observed: O) => number,
): Promise<Stopping<O>> {
  if (deleting) {
    const r = await scaleDown();
    return { ...r, requeueAfterMs: r.stopped ? undefined : STOPPING_RECHECK_MS };
  }
  const observed = await applyStopped();
  const running = podsLeft(observed) > 0;
  return { observed, stopped: !running, requeueAfterMs: running ? STOPPING_RECHECK_MS : undefined };
}
