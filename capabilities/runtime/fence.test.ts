import { describe, expect, it } from "vitest";
import { EPOCH_ANNOTATION } from "../../storage/guard";
import {
  Fence,
  FENCE_BINDINGS,
  fenceEnforcement,
  fenceHeldBy,
  fenceName,
  highestStamp,
  nextFenceEpoch,
  type FenceObject,
} from "./fence";
import { KubeApiError, type KubeClient, type KubeObject } from "./kube-client";

const term = { holder: "op-a", cluster: "east", lockEpoch: 3 };

describe("fence arithmetic", () => {
  it("continues above the fence whatever the lock says, and never below the lock's epoch", () => {
    expect(nextFenceEpoch(41, { ...term, lockEpoch: 1 })).toBe(42); // a lock that lost its state
    expect(nextFenceEpoch(2, { ...term, lockEpoch: 9 })).toBe(9); // the lock is ahead: keep its number
    expect(nextFenceEpoch(0, { ...term, lockEpoch: 0 })).toBe(1);
  });

  it("knows a term it already advanced for", () => {
    expect(fenceHeldBy({ tenant: "t", epoch: 5, holder: "op-a", lockEpoch: 3 }, term)).toBe(true);
    expect(fenceHeldBy({ tenant: "t", epoch: 5, holder: "op-a", lockEpoch: 2 }, term)).toBe(false);
    expect(fenceHeldBy(undefined, term)).toBe(false);
  });

  it("names the fence after the tenant, made a valid object name when needed", () => {
    expect(fenceName("default")).toBe("default");
    expect(fenceName("Team_A")).toMatch(/^team-a-[0-9a-f]{8}$/);
    expect(fenceName("Team_A")).not.toBe(fenceName("team-a"));
  });

  it("finds the highest stamp on children and in workload status", () => {
    const objects: KubeObject[] = [
      { metadata: { annotations: { [EPOCH_ANNOTATION]: "7" } } },
      { metadata: { annotations: { [EPOCH_ANNOTATION]: "junk" } } },
      { metadata: {}, status: { leader: { epoch: 11 } } } as KubeObject,
    ];
    expect(highestStamp(objects)).toBe(11);
  });
});

/** A fence store with compare-and-swap on resourceVersion, as the API server does it (unit test only). */
function fakeApi(initial?: FenceObject, racer?: () => void) {
  let stored = initial;
  let rv = 1;
  const writes: FenceObject[] = [];
  const client = {
    get: async () => (stored ? structuredClone(stored) : undefined),
    create: async (obj: FenceObject) => {
      if (stored) throw new KubeApiError(409, "AlreadyExists", "exists");
      stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      writes.push(obj);
      return stored;
    },
    replace: async (obj: FenceObject) => {
      racer?.();
      if (obj.metadata?.resourceVersion !== stored?.metadata?.resourceVersion)
        throw new KubeApiError(409, "Conflict", "changed");
      stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      writes.push(obj);
      return stored;
    },
  } as unknown as KubeClient;
  return {
    client,
    writes,
    stored: () => stored,
    set: (obj: FenceObject) => (stored = { ...obj, metadata: { resourceVersion: String(++rv) } }),
  };
}

const fenceAt = (epoch: number, holder = "op-old", lockEpoch = 1): FenceObject => ({
  apiVersion: "highlander.plexobject.io/v1",
  kind: "HighlanderFence",
  metadata: { name: "t", resourceVersion: "1" },
  spec: { tenant: "t", epoch, holder, lockEpoch },
});

describe("Fence.advance", () => {
  it("creates the fence above every stamp found when there is none", async () => {
    const api = fakeApi();
    const stamped = [{ metadata: { annotations: { [EPOCH_ANNOTATION]: "20" } } }];
    const fence = new Fence({
      client: api.client,
      tenant: "t",
      stampedObjects: async () => stamped,
    });
    expect(await fence.advance(term)).toBe(21);
    expect(api.stored()?.spec).toMatchObject({ tenant: "t", epoch: 21, holder: "op-a" });
  });

  it("advances an existing fence and is idempotent for the same term", async () => {
    const api = fakeApi(fenceAt(8));
    const fence = new Fence({ client: api.client, tenant: "t", stampedObjects: async () => [] });
    expect(await fence.advance(term)).toBe(9);
    expect(await fence.advance(term)).toBe(9);
    expect(api.writes).toHaveLength(1);
  });

  it("keeps the epoch for the same holder taking its lock again, and records the new lock epoch", async () => {
    const api = fakeApi({ ...fenceAt(8, "op-a", 3), spec: { ...fenceAt(8, "op-a", 3).spec, cluster: "east" } }); // prettier-ignore
    const fence = new Fence({ client: api.client, tenant: "t", stampedObjects: async () => [] });
    expect(await fence.advance({ ...term, lockEpoch: 1 })).toBe(8);
    expect(api.stored()?.spec).toMatchObject({ epoch: 8, holder: "op-a", lockEpoch: 1 });
  });

  it("reads again when another term wins the compare-and-swap, and goes above it", async () => {
    let raced = false;
    const api = fakeApi(fenceAt(8), () => {
      if (raced) return;
      raced = true;
      api.set(fenceAt(9, "op-b", 4));
    });
    const fence = new Fence({ client: api.client, tenant: "t", stampedObjects: async () => [] });
    expect(await fence.advance(term)).toBe(10);
    expect(api.stored()?.spec.holder).toBe("op-a");
  });
});

describe("fenceEnforcement", () => {
  const clientWith = (installed: string[], fail?: Error) =>
    ({
      get: async (ref: { name: string }) => {
        if (fail) throw fail;
        return installed.includes(ref.name) ? { metadata: { name: ref.name } } : undefined;
      },
    }) as unknown as KubeClient;

  it("is enforced when both of the policy's bindings are installed", async () => {
    const result = await fenceEnforcement(clientWith(FENCE_BINDINGS));
    expect(result.enforced).toBe(true);
  });

  it("is not when one is missing, and names it", async () => {
    const result = await fenceEnforcement(clientWith(["highlander-fence"]));
    expect(result.enforced).toBe(false);
    expect(result.detail).toContain("highlander-fence-workloads missing");
  });

  it("cannot tell when the API server does not answer", async () => {
    const result = await fenceEnforcement(clientWith([], new Error("connect ECONNREFUSED")));
    expect(result).toMatchObject({ enforced: null });
    expect(result.detail).toContain("ECONNREFUSED");
  });
});
