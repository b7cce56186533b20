import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { nextCheckMs, WorkQueue } from "./queue";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>(r => (resolve = r));
  return { promise, resolve };
}

describe("WorkQueue", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("does nothing while paused and drains on resume", async () => {
    const q = new WorkQueue();
    const seen: string[] = [];
    q.start(async key => void seen.push(key));
    q.add("a");
    q.add("b");
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual([]);
    expect(q.depth).toBe(2);
    q.resume();
    await q.idle();
    expect(seen).toEqual(["a", "b"]);
  });

  it("keeps a key in the queue once however many times it is added", async () => {
    const q = new WorkQueue();
    const seen: string[] = [];
    q.start(async key => void seen.push(key));
    for (let i = 0; i < 5; i++) q.add("a");
    q.add("b");
    expect(q.depth).toBe(2);
    q.resume();
    await q.idle();
    expect(seen).toEqual(["a", "b"]);
  });

  it("never handles one key twice at once, and re-runs it when an event arrived meanwhile", async () => {
    const q = new WorkQueue({ concurrency: 4 });
    let running = 0;
    let maxRunning = 0;
    const gate = deferred();
    let calls = 0;
    q.start(async () => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (calls === 1) await gate.promise;
      running--;
    });
    q.resume();
    q.add("a");
    await vi.advanceTimersByTimeAsync(1);
    q.add("a");
    q.add("a");
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    gate.resolve();
    await q.idle();
    expect(calls).toBe(2);
    expect(maxRunning).toBe(1);
  });

  it("retries a failing key with exponential backoff and forgets it after a success", async () => {
    const retries: number[] = [];
    const q = new WorkQueue({
      baseDelayMs: 100,
      maxDelayMs: 1000,
      onRetry: (_k, _a, delay) => retries.push(delay),
    });
    let attempts = 0;
    const told: number[] = [];
    q.start(async (_key, failures) => {
      attempts++;
      told.push(failures);
      if (attempts <= 5) throw new Error("boom");
    });
    q.resume();
    q.add("a");
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 1000 + 10);
    expect(attempts).toBe(6);
    expect(retries).toEqual([100, 200, 400, 800, 1000]);
    // The handler is told how often the key failed in a row before this try.
    expect(told).toEqual([0, 1, 2, 3, 4, 5]);
    expect(q.failures("a")).toBe(0);
  });

  it("caps the back-off of the keys maxDelayMsFor names, and only theirs", async () => {
    const retries: Record<string, number[]> = { cron: [], other: [] };
    const q = new WorkQueue({
      baseDelayMs: 100,
      maxDelayMs: 10_000,
      maxDelayMsFor: key => (key === "cron" ? 300 : undefined),
      onRetry: (key, _a, delay) => retries[key].push(delay),
    });
    q.start(async () => {
      throw new Error("boom");
    });
    q.resume();
    q.add("cron");
    q.add("other");
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 10);
    expect(retries.cron.slice(0, 4)).toEqual([100, 200, 300, 300]);
    expect(retries.other.slice(0, 4)).toEqual([100, 200, 400, 800]);
    q.stop();
  });

  it("honours requeueAfterMs from a successful handler", async () => {
    const q = new WorkQueue();
    let calls = 0;
    q.start(async () => {
      calls++;
      return calls === 1 ? { requeueAfterMs: 5000 } : undefined;
    });
    q.resume();
    q.add("a");
    await vi.advanceTimersByTimeAsync(4000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1001);
    expect(calls).toBe(2);
  });

  it("counts requeueAfterMs from when the handler started", async () => {
    const q = new WorkQueue();
    const started: number[] = [];
    q.start(async () => {
      started.push(Date.now());
      if (started.length > 1) return;
      await new Promise(r => setTimeout(r, 3000)); // a slow reconcile
      return { requeueAfterMs: 5000 };
    });
    q.resume();
    const t0 = Date.now();
    q.add("a");
    await vi.advanceTimersByTimeAsync(6000);
    expect(started.map(t => t - t0)).toEqual([0, 5000]);
  });

  it("keeps the earliest pending delay for a key", async () => {
    const q = new WorkQueue();
    const at: number[] = [];
    q.start(async () => void at.push(Date.now()));
    q.resume();
    const start = Date.now();
    q.addAfter("a", 1000);
    q.addAfter("a", 5000);
    await vi.advanceTimersByTimeAsync(6000);
    expect(at.map(t => t - start)).toEqual([1000]);
  });

  it("reports depth and refuses keys after stop", async () => {
    const depths: number[] = [];
    const q = new WorkQueue({ onDepth: d => depths.push(d) });
    q.start(async () => {});
    q.add("a");
    q.add("b");
    q.stop();
    q.add("c");
    expect(q.depth).toBe(0);
    expect(depths).toEqual([1, 2, 0]);
  });
});

describe("WorkQueue priorities", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function recording(concurrency = 1): { q: WorkQueue; seen: string[] } {
    const q = new WorkQueue({ concurrency });
    const seen: string[] = [];
    q.start(async key => void seen.push(key));
    return { q, seen };
  }

  it("hands out every high key before any low one, each lane in order", async () => {
    const { q, seen } = recording();
    q.add("resync-1", "low");
    q.add("edit-1");
    q.add("resync-2", "low");
    q.add("edit-2", "high");
    q.resume();
    await q.idle();
    expect(seen).toEqual(["edit-1", "edit-2", "resync-1", "resync-2"]);
  });

  it("promotes a key waiting low when it is added high, and keeps it once", async () => {
    const { q, seen } = recording();
    q.add("a", "low");
    q.add("b", "low");
    q.add("c", "low");
    q.add("c", "high");
    q.add("c", "low");
    expect(q.depth).toBe(3);
    q.resume();
    await q.idle();
    expect(seen).toEqual(["c", "a", "b"]);
  });

  it("re-queues a key that got a high event while it ran as high", async () => {
    const q = new WorkQueue({ concurrency: 1 });
    const seen: string[] = [];
    const gate = deferred();
    q.start(async key => {
      seen.push(key);
      if (seen.length === 1) await gate.promise;
    });
    q.add("a", "low");
    q.add("b", "low");
    q.resume();
    await vi.advanceTimersByTimeAsync(1);
    q.add("a", "low");
    q.add("a", "high");
    gate.resolve();
    await q.idle();
    expect(seen).toEqual(["a", "a", "b"]);
  });

  it("retries a key in the lane it failed in", async () => {
    const q = new WorkQueue({ concurrency: 1, baseDelayMs: 100 });
    const seen: string[] = [];
    const gate = deferred();
    q.start(async key => {
      seen.push(key);
      if (key === "busy") await gate.promise;
      if (key === "low-fails" && seen.length === 1) throw new Error("boom");
    });
    q.add("low-fails", "low");
    q.resume();
    await vi.advanceTimersByTimeAsync(1);
    q.add("busy");
    await vi.advanceTimersByTimeAsync(200);
    // The retry is due while the worker is busy; keys of both lanes arrive after it.
    q.add("other-low", "low");
    q.add("edit");
    gate.resolve();
    await q.idle();
    expect(seen).toEqual(["low-fails", "busy", "edit", "low-fails", "other-low"]);
  });

  it("puts a requeue that is due at the head of the high lane", async () => {
    const q = new WorkQueue({ concurrency: 1 });
    const seen: string[] = [];
    const gate = deferred();
    q.start(async key => {
      seen.push(key);
      if (key === "busy") await gate.promise;
      return key === "cron" && seen.length === 1 ? { requeueAfterMs: 1000 } : undefined;
    });
    q.add("cron", "low");
    q.resume();
    await vi.advanceTimersByTimeAsync(1);
    q.add("busy");
    for (let i = 0; i < 3; i++) q.add(`new-${i}`);
    await vi.advanceTimersByTimeAsync(1500);
    gate.resolve();
    await q.idle();
    expect(seen).toEqual(["cron", "busy", "cron", "new-0", "new-1", "new-2"]);
  });

  it("keeps the higher lane when two delays for a key merge", async () => {
    const { q, seen } = recording();
    q.addAfter("a", 1000, "low");
    q.addAfter("a", 2000, "high");
    q.add("b", "low");
    await vi.advanceTimersByTimeAsync(1500);
    q.resume();
    await q.idle();
    expect(seen).toEqual(["a", "b"]);
  });
});

describe("WorkQueue delays on another clock", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sleeps in halves, then in short steps, as a deadline approaches", () => {
    expect(nextCheckMs(60_000)).toBe(30_000);
    expect(nextCheckMs(3000)).toBe(1500);
    expect(nextCheckMs(2000)).toBe(500);
    expect(nextCheckMs(120)).toBe(120);
  });

  /**
   * When a queue whose timers run at 0.7 of the API server's speed wakes a key due in 10 s (server
   * time): a timer of d ms fires after d / 0.7 ms of the server's clock.
   */
  async function wakeWithSlowTimers(nowRate?: () => number): Promise<number[]> {
    let serverMs = 0;
    const q = new WorkQueue({ now: () => serverMs, nowRate });
    const woke: number[] = [];
    q.start(async () => void woke.push(serverMs));
    q.resume();
    const realSetTimeout = globalThis.setTimeout;
    const slow = vi
      .spyOn(globalThis, "setTimeout")
      .mockImplementation(((fn: () => void, ms: number) =>
        realSetTimeout(() => ((serverMs += ms / 0.7), fn()), 0)) as typeof setTimeout);
    q.addAfter("cron", 10_000);
    await vi.advanceTimersByTimeAsync(100);
    slow.mockRestore();
    return woke;
  }

  it("wakes within a step of the deadline when its timers run 0.7x slow", async () => {
    const woke = await wakeWithSlowTimers();
    expect(woke).toHaveLength(1);
    // One 10 s timer would have woken at 14.3 s; stepping, it wakes within 0.5 s / 0.7 of 10 s.
    expect(woke[0]).toBeGreaterThanOrEqual(10_000);
    expect(woke[0]).toBeLessThan(10_000 + 500 / 0.7);
  });

  it("wakes on the deadline when it knows how slow its timers run", async () => {
    const woke = await wakeWithSlowTimers(() => 1 / 0.7);
    expect(woke).toHaveLength(1);
    expect(woke[0]).toBeGreaterThanOrEqual(10_000);
    expect(woke[0]).toBeLessThan(10_001);
  });
});

describe("WorkQueue turns", () => {
  it("lets timers run while it drains keys whose handlers never wait on I/O", async () => {
    const q = new WorkQueue({ concurrency: 64 });
    let handled = 0;
    q.start(async () => void handled++);
    for (let i = 0; i < 10_000; i++) q.add(`k${i}`, "low");
    const atTimer = new Promise<number>(resolve => setTimeout(() => resolve(handled), 0));
    q.resume();
    // A lock renewal's timer fires long before the 10,000th reconcile, not after.
    expect(await atTimer).toBeLessThan(1000);
    await q.idle();
    expect(handled).toBe(10_000);
  });
});

describe("WorkQueue deadline notice", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("announces a long delay once when 10 s are left, and a short one never", async () => {
    const notices: number[] = [];
    const q = new WorkQueue({ onDeadlineNear: () => notices.push(Date.now()) });
    q.start(async () => {});
    q.resume();
    const start = Date.now();
    q.addAfter("tick", 60_000);
    q.addAfter("retry", 200);
    await vi.advanceTimersByTimeAsync(49_000);
    expect(notices).toEqual([]);
    await vi.advanceTimersByTimeAsync(11_500);
    expect(notices).toHaveLength(1);
    expect(notices[0] - start).toBeGreaterThanOrEqual(50_000);
    expect(notices[0] - start).toBeLessThan(60_000);
  });
});

describe("WorkQueue delays when the clock jumps", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("does not let a clock that jumps back stretch a delay", async () => {
    let shiftMs = 0;
    const q = new WorkQueue({ now: () => Date.now() + shiftMs });
    let calls = 0;
    q.start(async () => void calls++);
    q.resume();
    q.addAfter("a", 200);
    shiftMs = -60_000; // a new estimate of the API server's time, a minute earlier
    await vi.advanceTimersByTimeAsync(250);
    expect(calls).toBe(1);
  });
});

describe("WorkQueue metrics hooks", () => {
  beforeEach(() =>
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] }),
  );
  afterEach(() => vi.useRealTimers());

  it("reports adds, how long a key waited, how long it ran, and the longest running handler", async () => {
    const waited: number[] = [];
    const worked: number[] = [];
    let adds = 0;
    const q = new WorkQueue({
      onAdd: () => adds++,
      onDequeue: ms => waited.push(ms),
      onDone: ms => worked.push(ms),
    });
    const gate = deferred();
    q.start(async () => gate.promise);
    q.add("a");
    q.add("a");
    expect(adds).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    q.resume();
    expect(waited).toEqual([500]);
    expect(q.longestRunningMs()).toBe(0);
    await vi.advanceTimersByTimeAsync(250);
    expect(q.longestRunningMs()).toBe(250);
    gate.resolve();
    await q.idle();
    expect(worked).toEqual([250]);
    expect(q.longestRunningMs()).toBe(0);
  });
});
