// Elector timing with an in-memory store and fake timers/clock: when leadership starts and ends,
// judged on the monotonic clock, independent of how the store behaves.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Clock } from "./clock";
import { LeaderElector, type StopReason } from "./elector";
import { NotLeaderError } from "./guard";
import { MemoryLockStore } from "./testing/memory-store";
import { register } from "prom-client";

const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const KEY = "highlander-leader-lock:unit";

/** Monotonic clock driven by vitest's fake Date, plus an extra offset for "frozen process" jumps. */
function fakeClock(): Clock & { jump(ms: number): void } {
  let extra = 0;
  return {
    monotonicMs: () => Date.now() + extra,
    wallMs: () => Date.now() + extra,
    jump: ms => (extra += ms),
  };
}

describe("LeaderElector timing", () => {
  let clock: ReturnType<typeof fakeClock>;
  let store: MemoryLockStore;
  let events: string[];
  let elector: LeaderElector;

  const make = (extra: Partial<ConstructorParameters<typeof LeaderElector>[0]> = {}) =>
    new LeaderElector({
      store,
      key: KEY,
      identity: "me",
      clock,
      random: () => 0.5,
      ...timing,
      onStartedLeading: epoch => events.push(`started:${epoch}`),
      onStoppedLeading: (reason: StopReason) => events.push(`stopped:${reason}`),
      onNewLeader: r => events.push(`leader:${r.holderId}`),
      ...extra,
    });

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    clock = fakeClock();
    store = new MemoryLockStore(() => clock.wallMs());
    events = [];
    elector = make();
  });

  afterEach(async () => {
    store.mode = "ok";
    const stopping = elector.stop();
    await vi.runOnlyPendingTimersAsync();
    await stopping;
    vi.useRealTimers();
  });

  it("acquires a free lock, reports the new leader, and the guard yields its epoch", async () => {
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(["leader:me", "started:1"]);
    expect(elector.guard.check()).toEqual({ epoch: 1 });
  });

  it("keeps its latest record fresh: renewals while leading, every read while standing by", async () => {
    store.seed(KEY, "other", timing.leaseDurationMs);
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = elector.lastRecord();
    expect(first?.holderId).toBe("other");
    // The other holder renews; our next attempt sees it although the holder did not change.
    await vi.advanceTimersByTimeAsync(1000);
    await store.renew(KEY, "other", first?.epoch ?? 0, timing.leaseDurationMs);
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs * 1.2);
    expect(elector.lastRecord()?.renewedAt.getTime()).toBeGreaterThan(
      first?.renewedAt.getTime() ?? Infinity,
    );
    expect(events).toEqual(["leader:other"]);
    await vi.advanceTimersByTimeAsync(timing.leaseDurationMs); // expires; we take over
    const ours = elector.lastRecord();
    expect(ours?.holderId).toBe("me");
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs);
    expect(elector.lastRecord()?.renewedAt.getTime()).toBeGreaterThan(
      ours?.renewedAt.getTime() ?? Infinity,
    );
  });

  it("stops acting exactly renewDeadline after the last successful renewal when renewals fail", async () => {
    elector.start();
    await vi.advanceTimersByTimeAsync(0); // acquired at t0
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs); // renewed at t0 + 2 s
    store.mode = "fail";
    await vi.advanceTimersByTimeAsync(timing.renewDeadlineMs - 1);
    expect(elector.isLeader()).toBe(true);
    expect(events).not.toContain("stopped:renew-deadline");
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toContain("stopped:renew-deadline");
    expect(() => elector.guard.check()).toThrow(NotLeaderError);
  });

  it("stops at the deadline even when a renewal hangs (timer, not failed ticks)", async () => {
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    store.mode = "hang";
    await vi.advanceTimersByTimeAsync(timing.renewDeadlineMs - 1);
    expect(elector.isLeader()).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toContain("stopped:renew-deadline");
  });

  it("the guard refuses as soon as the monotonic clock passes the deadline, before any timer runs", async () => {
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(elector.guard.check().epoch).toBe(1);
    clock.jump(timing.leaseDurationMs + 1); // a process frozen longer than the lease
    expect(() => elector.guard.check()).toThrow(/renew deadline passed/);
  });

  it("stops at once when the store says the lock is someone else's", async () => {
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    store.seed(KEY, "other", timing.leaseDurationMs);
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs);
    expect(events).toContain("stopped:lost");
    expect(elector.isLeader()).toBe(false);
  });

  it("keeps leading while renewals succeed", async () => {
    elector.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(elector.isLeader()).toBe(true);
    expect(events.filter(e => e.startsWith("stopped"))).toEqual([]);
    expect(store.calls.filter(c => c === "renew").length).toBeGreaterThanOrEqual(25);
  });

  it("follows while another holder renews, and takes over after its lease expires", async () => {
    store.seed(KEY, "other", timing.leaseDurationMs);
    elector.start();
    await vi.advanceTimersByTimeAsync(timing.leaseDurationMs - 1);
    expect(elector.isLeader()).toBe(false);
    expect(events).toEqual(["leader:other"]);
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs * 1.2 + 1);
    expect(events).toEqual(["leader:other", "leader:me", "started:2"]);
  });

  it("takes over within a retry period when the predecessor's record disappears (its release), not after its lease", async () => {
    store.seedPredecessor(KEY, "k8-highlander-1", 100_000);
    elector.start();
    await vi.advanceTimersByTimeAsync(timing.leaseDurationMs * 3);
    expect(elector.isLeader()).toBe(false);
    expect(events).toEqual(["leader:k8-highlander-1"]);
    store.remove(KEY);
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs * 1.2 + 1);
    expect(elector.isLeader()).toBe(true);
    expect(events).toEqual(["leader:k8-highlander-1", "leader:me", "started:1"]);
  });

  it("takes over within a retry period of the predecessor's lease running out (judged by the store)", async () => {
    store.seedPredecessor(KEY, "k8h-crashed", 5_000);
    elector.start();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(elector.isLeader()).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000 + timing.retryPeriodMs * 1.2 + 1);
    // Not first sighting + a whole lease (15 s): the store said it had expired.
    expect(elector.isLeader()).toBe(true);
  });

  it("a Highlander holder's record that disappears is still watched for a whole lease", async () => {
    store.seed(KEY, "other", 100_000);
    elector.start();
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs * 3);
    store.remove(KEY);
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs * 3);
    expect(elector.isLeader()).toBe(false);
  });

  it("stop() stops acting first, then releases, then resolves", async () => {
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    const order: string[] = [];
    elector.on("stoppedLeading", () => order.push(`stopped, calls=${store.calls.length}`));
    const callsBefore = store.calls.length;
    await elector.stop();
    expect(order).toEqual([`stopped, calls=${callsBefore}`]);
    expect(store.calls.at(-1)).toBe("release");
    expect(elector.isLeader()).toBe(false);
    expect((await store.get(KEY))?.holderId).toBe("");
  });

  it("an observer never acquires but reports the leader", async () => {
    elector = make({ observer: true });
    store.seed(KEY, "other", 1000);
    elector.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(store.calls).not.toContain("acquire");
    expect(events).toEqual(["leader:other"]);
    expect(elector.isLeader()).toBe(false);
  });

  it("a standby that could not look at the lock watches it for a whole lease again once it can", async () => {
    store.seed(KEY, "other", timing.leaseDurationMs);
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    store.mode = "fail"; // the store (or the API server) is down for a minute
    await vi.advanceTimersByTimeAsync(60_000);
    store.mode = "ok"; // back: the other holder's lease has run out by the store's clock
    await vi.advanceTimersByTimeAsync(timing.leaseDurationMs - timing.retryPeriodMs * 1.2);
    expect(store.calls).not.toContain("acquire");
    // The leader renewed in that time: we keep following.
    await store.tryAcquire(KEY, { holderId: "other", clusterName: "", leaseDurationMs: 15_000 });
    await vi.advanceTimersByTimeAsync(timing.leaseDurationMs - 1);
    expect(elector.isLeader()).toBe(false);
    expect((await store.get(KEY))?.holderId).toBe("other");
    // It never renews again: taken over a lease after we first saw that renewal (next look or two).
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs * 2.4 + 1);
    expect(elector.isLeader()).toBe(true);
  });

  it("a standby's view of another holder is fresh only within renewDeadline of its last answered look", async () => {
    store.seed(KEY, "other", timing.leaseDurationMs);
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(elector.guard.checkObserved()).toMatchObject({ holderId: "other" });
    store.mode = "fail";
    await vi.advanceTimersByTimeAsync(timing.renewDeadlineMs - 1);
    expect(elector.guard.freshObservation()).toMatchObject({ holderId: "other" });
    await vi.advanceTimersByTimeAsync(1);
    expect(elector.guard.freshObservation()).toBeUndefined();
    expect(() => elector.guard.checkObserved()).toThrow(NotLeaderError);
    store.mode = "ok";
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs * 1.2);
    expect(elector.guard.checkObserved()).toMatchObject({ holderId: "other" });
  });

  it("a leader whose lease ran out in a store that was down takes it again: new epoch, same holder", async () => {
    elector = make({ keepTermPastDeadline: () => true });
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    store.mode = "fail";
    await vi.advanceTimersByTimeAsync(60_000); // longer than the lease and the renew deadline
    expect(elector.isLeader()).toBe(true);
    expect(elector.renewOverdue()).toBe(true);
    store.mode = "ok";
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs);
    expect(events).toEqual(["leader:me", "started:1", "leader:me", "started:2"]);
    expect(elector.guard.check()).toEqual({ epoch: 2 });
    expect(elector.renewOverdue()).toBe(false);
  });

  it("keeps its term past the renew deadline only while keepTermPastDeadline says so", async () => {
    let fenced = true;
    elector = make({ keepTermPastDeadline: () => fenced });
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    store.mode = "hang";
    await vi.advanceTimersByTimeAsync(timing.renewDeadlineMs * 3);
    expect(elector.isLeader()).toBe(true);
    expect(elector.guard.check()).toEqual({ epoch: 1 });
    fenced = false; // the fence is no longer enforced: client-go's rule again
    expect(() => elector.guard.check()).toThrow(/renew deadline passed/);
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs);
    expect(events).toContain("stopped:renew-deadline");
  });

  it("retries acquisition every 1 to 1.2 retry periods", async () => {
    store.seed(KEY, "other", 1_000_000);
    elector = make({ random: () => 0.999 });
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = store.calls.length;
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs - 1);
    expect(store.calls.length).toBe(first);
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs * 0.2 + 1);
    expect(store.calls.length).toBe(first + 1);
  });

  it("zero-initialises its counters and observes each finished term in leadership_duration_seconds", async () => {
    const series = async (name: string) =>
      (await register.getSingleMetric(name)?.get())?.values ?? [];
    const count = async () =>
      (await series("k8_highlander_leadership_duration_seconds")).find(
        v =>
          (v as { metricName?: string }).metricName ===
          "k8_highlander_leadership_duration_seconds_count",
      )?.value ?? 0;
    expect(await series("k8_highlander_failover_total")).toContainEqual(
      expect.objectContaining({ labels: { backend: "redis" } }),
    );
    expect(
      (await series("k8_highlander_fencing_rejections_total")).map(v => v.labels.source).sort(),
    ).toEqual(["apiserver", "operator"]);
    const before = await count();
    elector.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(elector.isLeader()).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    const stopping = elector.stop();
    await vi.runOnlyPendingTimersAsync();
    await stopping;
    expect(await count()).toBe(before + 1);
    const sum = (await series("k8_highlander_leadership_duration_seconds")).find(
      v =>
        (v as { metricName?: string }).metricName ===
        "k8_highlander_leadership_duration_seconds_sum",
    )?.value;
    expect(sum).toBeGreaterThanOrEqual(30);
  });
});
