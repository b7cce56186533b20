import { describe, expect, it } from "vitest";
import { NotLeaderError } from "../../storage/guard";
import type { Fence, FenceObject, Term } from "./fence";
import { FencedLeadership, type LockLeadership } from "./fenced-leadership";
import type { LeaderInfo } from "./leadership";

/** The lock side, driven by the test (unit test only). */
function fakeLock(cluster = "east") {
  const listeners: Array<() => void> = [];
  const state = {
    leading: false,
    lockEpoch: 0,
    leader: undefined as LeaderInfo | undefined,
    /** Storage answered the last look at the lock within the renew deadline. */
    fresh: true,
    resigned: 0,
  };
  const seen = () =>
    state.fresh && state.leader && !state.leading
      ? { holderId: state.leader.id, epoch: state.leader.epoch }
      : undefined;
  const lock: LockLeadership = {
    id: "me",
    cluster,
    isLeader: () => state.leading,
    check: () => {
      if (!state.leading) throw new NotLeaderError("not the leader", "not-leading");
      return { epoch: state.lockEpoch };
    },
    leader: () => state.leader,
    onChange: l => void listeners.push(l),
    renewOverdue: () => false,
    freshObservation: seen,
    checkObserved: () => {
      const fresh = seen();
      if (!fresh) throw new NotLeaderError("stale look at the lock", "deadline-passed");
      return fresh;
    },
    resign: () => {
      state.resigned++;
      state.leading = false;
    },
  };
  const fire = () => listeners.forEach(l => l());
  return { lock, state, fire };
}

/** A fence that advances to `next` for every new term and remembers the last one. */
function fakeFence(start: number) {
  let spec: FenceObject["spec"] = { tenant: "t", epoch: start };
  const fence = {
    name: "t",
    advance: async (term: Term) => {
      if (spec.holder === term.holder && spec.lockEpoch === term.lockEpoch) return spec.epoch;
      spec = {
        tenant: "t",
        epoch: Math.max(spec.epoch + 1, term.lockEpoch),
        holder: term.holder,
        lockEpoch: term.lockEpoch,
      };
      return spec.epoch;
    },
    read: async () => ({ spec }) as FenceObject,
    takeOver: (holder: string) =>
      (spec = { ...spec, epoch: spec.epoch + 1, holder, lockEpoch: 99 }),
  };
  return fence;
}

const log = { info: () => {}, warn: () => {}, error: () => {} };

/** The leadership under test, over a fake lock and a fake fence. */
const fenced = (lock: LockLeadership, fence: Pick<Fence, "name" | "advance" | "read">) =>
  new FencedLeadership({ inner: lock, fence: fence as unknown as Fence, retryMs: 10, log });
const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe("FencedLeadership", () => {
  it("acts only once the fence was advanced for the term, and stamps the fence's epoch", async () => {
    const { lock, state, fire } = fakeLock();
    const fence = fakeFence(40);
    const leadership = fenced(lock, fence);
    state.leading = true;
    state.lockEpoch = 1; // a lock store that started again at 1
    fire();
    expect(leadership.isLeader()).toBe(false);
    expect(() => leadership.check()).toThrow(NotLeaderError);
    await settle();
    expect(leadership.isLeader()).toBe(true);
    expect(leadership.check()).toEqual({ epoch: 41 });
  });

  it("after an advance to a new epoch, acts only once the barrier says the API server applies it", async () => {
    const { lock, state, fire } = fakeLock();
    const fence = fakeFence(40);
    let release: () => void = () => {};
    const waited: number[] = [];
    const leadership = new FencedLeadership({
      inner: lock,
      fence: fence as unknown as Fence,
      retryMs: 10,
      log,
      barrier: epoch => {
        waited.push(epoch);
        return new Promise<void>(resolve => (release = resolve));
      },
    });
    state.leading = true;
    state.lockEpoch = 1;
    fire();
    await settle();
    await settle();
    expect(waited).toEqual([41]);
    expect(leadership.isLeader()).toBe(false); // advanced, but the API server may not apply 41 yet
    release();
    await settle();
    expect(leadership.check()).toEqual({ epoch: 41 });
  });

  it("resigns when a refused write shows a newer term holding the fence", async () => {
    const { lock, state, fire } = fakeLock();
    const fence = fakeFence(5);
    const leadership = fenced(lock, fence);
    state.leading = true;
    state.lockEpoch = 6;
    fire();
    await settle();
    expect(leadership.check()).toEqual({ epoch: 6 });
    fence.takeOver("someone-else");
    leadership.refused();
    await settle();
    await settle();
    expect(state.resigned).toBe(1);
    expect(leadership.isLeader()).toBe(false);
  });

  it("keeps acting, under the same fence epoch, when it takes its lock again with a new lock epoch", async () => {
    const { lock, state, fire } = fakeLock();
    let spec: FenceObject["spec"] = { tenant: "t", epoch: 7 };
    let advances = 0;
    const fence = {
      name: "t",
      advance: async (term: Term) => {
        advances++;
        const continuing = spec.holder === term.holder;
        spec = { ...spec, epoch: continuing ? spec.epoch : spec.epoch + 1, holder: term.holder, cluster: term.cluster, lockEpoch: term.lockEpoch }; // prettier-ignore
        return spec.epoch;
      },
      read: async () => ({ spec }) as FenceObject,
    };
    const leadership = fenced(lock, fence);
    state.leading = true;
    state.lockEpoch = 3;
    fire();
    await settle();
    expect(leadership.check()).toEqual({ epoch: 8 });
    state.lockEpoch = 1; // the store lost its state; the renewal found the lock free and took it again
    fire();
    expect(leadership.isLeader()).toBe(true); // no gap while the fence records the new lock epoch
    expect(leadership.check()).toEqual({ epoch: 8 });
    await settle();
    expect(advances).toBe(2);
    expect(spec).toMatchObject({ epoch: 8, holder: "me", lockEpoch: 1 });
    leadership.refused(); // a refusal now finds the fence naming us: no resignation
    await settle();
    expect(state.resigned).toBe(0);
  });

  it("shows a remote leader only once this cluster's fence was advanced for its term", async () => {
    const { lock, state, fire } = fakeLock("west");
    const fence = fakeFence(3);
    const leadership = fenced(lock, fence);
    state.leader = { id: "them", cluster: "east", epoch: 8 };
    fire();
    expect(leadership.leader()).toBeUndefined();
    await settle();
    expect(leadership.leader()?.id).toBe("them");
    expect(leadership.standbyCheck()).toEqual({ epoch: 8 });
  });

  it("stops keeping a standby cluster while its look at the lock is stale, and resumes after", async () => {
    const { lock, state, fire } = fakeLock("west");
    const fence = fakeFence(3);
    const leadership = fenced(lock, fence);
    let changes = 0;
    leadership.onChange(() => changes++);
    state.leader = { id: "them", cluster: "east", epoch: 8 };
    fire();
    await settle();
    expect(leadership.standbyCheck()).toEqual({ epoch: 8 });
    state.fresh = false; // the lock storage stopped answering this replica
    expect(() => leadership.standbyCheck()).toThrow(NotLeaderError);
    const before = changes;
    await new Promise(resolve => setTimeout(resolve, 30)); // a few retry periods
    expect(changes).toBeGreaterThan(before); // the manager hears of it (and goes idle)
    expect(leadership.leader()).toBeUndefined();
    state.fresh = true;
    await new Promise(resolve => setTimeout(resolve, 30));
    expect(leadership.leader()?.id).toBe("them");
    expect(leadership.standbyCheck()).toEqual({ epoch: 8 });
  });
});
