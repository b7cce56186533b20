// The barrier between a fence advance and a new term's first write. The fence policy reads the
// HighlanderFence from an informer, which learns of an advance through a watch some milliseconds after
// the update was answered; a write of the old term that arrives in between is still checked against
// the old epoch and admitted. So a new term acts only once the API server refuses a write stamped just
// below its epoch (a dry run: nothing is stored): from then on every old-term write is refused, and
// every one admitted before was admitted before our first (Kleppmann's order, at the storage).
import { setTimeout as sleep } from "node:timers/promises";
import { EPOCH_ANNOTATION } from "../../storage/guard";
import { LABEL_TENANT, tenantLabelValue } from "../workloads/controllers/common/labels";
import { FENCE_API_VERSION, FENCE_KIND, FENCED_WRITE_LABEL, isFenceRefusal } from "./fence";
import type { KubeClient, KubeObject } from "./kube-client";

/** How long a new term waits for the policy to see its epoch before it acts anyway (and says so). */
const BARRIER_TIMEOUT_MS = 2000;
/** Between probes: the informer's lag is tens of milliseconds. */
const BARRIER_PAUSE_MS = 10;

export type BarrierOutcome =
  | { enforced: true; probes: number; ms: number }
  | { enforced: false; probes: number; ms: number; why: string };

/**
 * The probe: an Event about the fence, labelled and stamped as our writes are, with the epoch just
 * below the term's. Events are what the operator may create in every namespace it watches.
 */
export function barrierProbe(
  tenant: string,
  namespace: string,
  fence: string,
  epoch: number,
): KubeObject {
  const suffix = `${Date.now().toString(16)}${Math.random().toString(16).slice(2, 8)}`;
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `${fence}.fence-barrier.${suffix}`,
      namespace,
      labels: { [LABEL_TENANT]: tenantLabelValue(tenant), [FENCED_WRITE_LABEL]: "true" },
      annotations: { [EPOCH_ANNOTATION]: String(epoch - 1) },
    },
    involvedObject: { apiVersion: FENCE_API_VERSION, kind: FENCE_KIND, name: fence, namespace },
    type: "Normal",
    reason: "FenceBarrier",
    message: `probe: is epoch ${epoch} of the fence in effect?`,
    source: { component: "highlander" },
  } as KubeObject;
}

interface BarrierOptions {
  client: KubeClient;
  tenant: string;
  /** Where the probe Event would live: a namespace the operator may create Events in. */
  namespace: string;
  fence: string;
  timeoutMs?: number;
}

/** Waits until the API server refuses a write stamped below `epoch`, within the timeout. */
export async function awaitFenceInEffect(
  opts: BarrierOptions,
  epoch: number,
): Promise<BarrierOutcome> {
  const timeoutMs = opts.timeoutMs ?? BARRIER_TIMEOUT_MS;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  for (let probes = 1; ; probes++) {
    try {
      await opts.client.create(barrierProbe(opts.tenant, opts.namespace, opts.fence, epoch), {
        dryRun: true,
      });
    } catch (err) {
      if (isFenceRefusal(err)) return { enforced: true, probes, ms: elapsed() };
      const why = err instanceof Error ? err.message : String(err);
      return { enforced: false, probes, ms: elapsed(), why: `the probe failed: ${why}` };
    }
    if (elapsed() >= timeoutMs)
      return {
        enforced: false,
        probes,
        ms: elapsed(),
        why: `the API server still admitted a write stamped ${epoch - 1} after ${elapsed()} ms`,
      };
    await sleep(BARRIER_PAUSE_MS);
  }
}
