import { describe, expect, it } from "vitest";
import { EPOCH_ANNOTATION } from "../../storage/guard";
import { awaitFenceInEffect, barrierProbe } from "./fence-barrier";
import { FENCE_REFUSAL_PREFIX, FENCED_WRITE_LABEL } from "./fence";
import { KubeApiError, type KubeClient, type KubeObject } from "./kube-client";

/** An API server whose fence policy applies `epoch` after `admitted` probes (unit test only). */
function fakeApi(admitted: number, refusal?: KubeApiError) {
  const probes: Array<{ obj: KubeObject; dryRun?: boolean }> = [];
  const client = {
    create: async (obj: KubeObject, opts: { dryRun?: boolean } = {}) => {
      probes.push({ obj, dryRun: opts.dryRun });
      if (probes.length <= admitted) return obj;
      throw (
        refusal ??
        new KubeApiError(
          403,
          "Forbidden",
          `${FENCE_REFUSAL_PREFIX} events x is stamped with epoch 4`,
        )
      );
    },
  } as unknown as KubeClient;
  return { client, probes };
}

const opts = (client: KubeClient, timeoutMs = 2000) => ({
  client,
  tenant: "Team A",
  namespace: "ns",
  fence: "team-a",
  timeoutMs,
});

describe("the fence barrier", () => {
  it("probes with a dry run stamped just below the epoch, labelled for the policy, about the fence", () => {
    const probe = barrierProbe("default", "ns", "default", 5) as KubeObject & {
      involvedObject: { kind: string; namespace: string };
    };
    expect(probe.kind).toBe("Event");
    expect(probe.metadata?.namespace).toBe("ns");
    expect(probe.metadata?.annotations?.[EPOCH_ANNOTATION]).toBe("4");
    expect(probe.metadata?.labels).toMatchObject({
      [FENCED_WRITE_LABEL]: "true",
      "highlander.plexobject.io/tenant": "default",
    });
    // Event validation wants the involved object in the Event's namespace.
    expect(probe.involvedObject).toMatchObject({ kind: "HighlanderFence", namespace: "ns" });
    expect(barrierProbe("default", "ns", "default", 5).metadata?.name).not.toBe(
      probe.metadata?.name,
    );
  });

  it("returns once the API server refuses the probe, after as many tries as it admitted", async () => {
    const api = fakeApi(3);
    const outcome = await awaitFenceInEffect(opts(api.client), 5);
    expect(outcome).toMatchObject({ enforced: true, probes: 4 });
    expect(api.probes.every(p => p.dryRun === true)).toBe(true);
  });

  it("gives up after its timeout and says the write was still admitted", async () => {
    const api = fakeApi(Number.MAX_SAFE_INTEGER);
    const outcome = await awaitFenceInEffect(opts(api.client, 50), 5);
    expect(outcome.enforced).toBe(false);
    expect(outcome.ms).toBeGreaterThanOrEqual(50);
    if (!outcome.enforced) expect(outcome.why).toContain("still admitted a write stamped 4");
  });

  it("stops at any other answer and names it (a 403 of RBAC, the policy not set up yet)", async () => {
    const api = fakeApi(0, new KubeApiError(403, "Forbidden", 'events is forbidden: User "x"'));
    const outcome = await awaitFenceInEffect(opts(api.client), 5);
    expect(outcome).toMatchObject({ enforced: false, probes: 1 });
    if (!outcome.enforced) expect(outcome.why).toContain("events is forbidden");
  });
});
