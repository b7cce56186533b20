import { describe, expect, it, vi } from "vitest";
import { modeFor, type LeaderInfo, type Leadership } from "./leadership";
import { Manager, keyOf, parseKey, type WorkloadKey } from "./manager";
import { WorkQueue } from "./queue";

class FakeLeadership implements Leadership {
  readonly id = "me";
  leading = false;
  current: LeaderInfo | undefined;
  #listeners: Array<() => void> = [];
  constructor(readonly cluster: string) {}
  isLeader(): boolean {
    return this.leading;
  }
  check(): { epoch: number } {
    if (!this.leading) throw new Error("not leader");
    return { epoch: this.current?.epoch ?? 0 };
  }
  leader(): LeaderInfo | undefined {
    return this.current;
  }
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }
  set(leading: boolean, current: LeaderInfo | undefined): void {
    this.leading = leading;
    this.current = current;
    for (const l of this.#listeners) l();
  }
}

const a: WorkloadKey = { kind: "WorkloadProcess", namespace: "ns", name: "a" };
const b: WorkloadKey = { kind: "WorkloadCronJob", namespace: "ns", name: "b" };

describe("modeFor", () => {
  it("is active when we lead, standby-cluster when another cluster leads, idle otherwise", () => {
    expect(modeFor(true, { id: "me", cluster: "east", epoch: 3 }, "east")).toBe("active");
    expect(modeFor(false, { id: "x", cluster: "west", epoch: 3 }, "east")).toBe("standby-cluster");
    expect(modeFor(false, { id: "x", cluster: "east", epoch: 3 }, "east")).toBe("idle");
    expect(modeFor(false, undefined, "east")).toBe("idle");
  });
});

describe("work keys", () => {
  it("round-trip and reject malformed keys", () => {
    expect(parseKey(keyOf(a))).toEqual(a);
    expect(() => parseKey("WorkloadProcess/ns")).toThrow(/malformed/);
  });
});

describe("Manager", () => {
  function setup(cluster = "east") {
    const leadership = new FakeLeadership(cluster);
    const queue = new WorkQueue();
    const calls: string[] = [];
    const modes: string[] = [];
    const manager = new Manager({
      queue,
      leadership,
      reconcile: async (key, mode) => void calls.push(`${mode}:${keyOf(key)}`),
      listAll: async () => [a, b],
      onModeChange: (_from, to) => modes.push(to),
    });
    manager.start();
    return { leadership, queue, calls, modes, manager };
  }

  it("does nothing while idle, even with events queued", async () => {
    const { manager, queue, calls } = setup();
    manager.enqueue(a);
    await queue.idle();
    expect(calls).toEqual([]);
    expect(manager.mode).toBe("idle");
  });

  it("reconciles every workload once on becoming leader, then follows events", async () => {
    const { leadership, manager, queue, calls, modes } = setup();
    leadership.set(true, { id: "me", cluster: "east", epoch: 1 });
    await new Promise(r => setTimeout(r, 10));
    await queue.idle();
    expect(calls.sort()).toEqual(["active:WorkloadCronJob/ns/b", "active:WorkloadProcess/ns/a"]);
    manager.enqueue(a);
    await new Promise(r => setTimeout(r, 10));
    await queue.idle();
    expect(calls.filter(c => c === "active:WorkloadProcess/ns/a")).toHaveLength(2);
    expect(modes).toEqual(["active"]);
  });

  it("keeps this cluster stopped while another cluster leads, and goes idle when ours does", async () => {
    const { leadership, manager, queue, calls } = setup("east");
    leadership.set(false, { id: "other", cluster: "west", epoch: 4 });
    await new Promise(r => setTimeout(r, 10));
    await queue.idle();
    expect(calls.sort()).toEqual([
      "standby-cluster:WorkloadCronJob/ns/b",
      "standby-cluster:WorkloadProcess/ns/a",
    ]);
    leadership.set(false, { id: "peer", cluster: "east", epoch: 5 });
    expect(manager.mode).toBe("idle");
    expect(queue.paused).toBe(true);
  });

  it("relists in the low lane, behind events and the keys named urgent", async () => {
    const leadership = new FakeLeadership("east");
    const queue = new WorkQueue({ concurrency: 1 });
    const calls: string[] = [];
    const c: WorkloadKey = { kind: "WorkloadProcess", namespace: "ns", name: "c" };
    const manager = new Manager({
      queue,
      leadership,
      reconcile: async key => void calls.push(key.name),
      listAll: async () => [a, b, c],
      urgentOnRelist: key => key.kind === "WorkloadCronJob",
    });
    manager.start();
    manager.enqueue(c);
    leadership.set(true, { id: "me", cluster: "east", epoch: 1 });
    await new Promise(r => setTimeout(r, 10));
    await queue.idle();
    // c ran at once on resume; the relist that found it running queued it again, last.
    expect(calls).toEqual(["c", "b", "a", "c"]);
    manager.stop();
  });

  it("reports when a new mode's pass over every workload is done, not when it was cut short", async () => {
    const leadership = new FakeLeadership("east");
    const queue = new WorkQueue();
    const passes: Array<{ mode: string; workloads: number }> = [];
    let release = (): void => {};
    const held = new Promise<void>(resolve => (release = resolve));
    const manager = new Manager({
      queue,
      leadership,
      // b's first reconcile waits until the test lets it go.
      reconcile: async key => (key.name === "b" && passes.length === 0 ? held : undefined),
      listAll: async () => [a, b],
      onRelistDone: ({ mode, workloads }) => void passes.push({ mode, workloads }),
    });
    manager.start();
    leadership.set(true, { id: "me", cluster: "east", epoch: 1 });
    await new Promise(r => setTimeout(r, 10));
    expect(passes).toEqual([]); // b is still being reconciled
    leadership.set(false, { id: "peer", cluster: "east", epoch: 2 });
    leadership.set(true, { id: "me", cluster: "east", epoch: 3 });
    release();
    await vi.waitFor(() => expect(passes).toEqual([{ mode: "active", workloads: 2 }]));
    await new Promise(r => setTimeout(r, 20));
    expect(passes).toHaveLength(1); // the first term's pass, cut short, is not reported
    manager.stop();
  });

  it("stops acting on stop()", async () => {
    const { leadership, manager, queue, calls } = setup();
    leadership.set(true, { id: "me", cluster: "east", epoch: 1 });
    manager.stop();
    manager.enqueue(a);
    await queue.idle();
    expect(manager.mode).toBe("idle");
    expect(calls).toEqual([]);
  });
});

describe("Manager resync", () => {
  it("lists everything again after its period, jittered within ±10 %", async () => {
    vi.useFakeTimers();
    try {
      const leadership = new FakeLeadership("east");
      const listed: number[] = [];
      const manager = new Manager({
        queue: new WorkQueue(),
        leadership,
        reconcile: async () => {},
        listAll: async () => {
          listed.push(Date.now());
          return [];
        },
        resyncPeriodMs: 10_000,
      });
      manager.start();
      leadership.set(true, { id: "me", cluster: "east", epoch: 1 });
      expect(listed).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(8_999);
      expect(listed).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(2_002);
      expect(listed).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(11_001);
      expect(listed).toHaveLength(3);
      manager.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
