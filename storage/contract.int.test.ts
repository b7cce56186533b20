// The leader-lock contract, written once and run against every real backend: Kubernetes Lease (local
// control plane), Redis, PostgreSQL and the Cloud Spanner emulator. Servers come from the global setup
// (devenv/setup/services.global.ts); outage tests start dedicated ones.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { skewedClock, systemClock } from "./clock";
import { LeaderElector, type StopReason } from "./elector";
import { createLockStore } from "./factory";
import { NotLeaderError } from "./guard";
import { spawnCandidate, type CandidateProcess } from "./candidate/spawn";
import { backendFixtures, type BackendFixture } from "./testing/fixtures";
import { lockKeyFor, type LockStore } from "./types";

const fixtures = backendFixtures({
  kubeconfig: inject("kubeconfig"),
  redisUrl: inject("redisUrl"),
  databaseUrl: inject("databaseUrl"),
  spannerEmulatorHost: inject("spannerEmulatorHost"),
});

function freshKey(label: string): string {
  return lockKeyFor(`${label}-${randomBytes(4).toString("hex")}`);
}

/** close() with a bound: a client of a server that is gone must not hang the suite. */
async function closeQuietly(store: LockStore): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    store.close().catch(() => {}),
    new Promise<void>(resolve => (timer = setTimeout(resolve, 5000))),
  ]);
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe.each(fixtures)("leader lock contract on $name", (fx: BackendFixture) => {
  const stores: LockStore[] = [];
  const open = async (clock = systemClock) => {
    const store = await createLockStore(fx.config, { clock });
    stores.push(store);
    return store;
  };
  const req = (holderId: string, leaseDurationMs = fx.raceLeaseMs) => ({
    holderId,
    clusterName: "test-cluster",
    leaseDurationMs,
    metadata: { test: "contract" },
  });

  beforeAll(async () => {
    // Warm up (Spanner creates its instance, database and table on first use).
    const store = await open();
    await store.get(freshKey("warmup"));
  });

  afterAll(async () => {
    await Promise.all(stores.splice(0).map(closeQuietly));
  });

  it(`${fx.name}: of N racing candidates exactly one wins every round`, async () => {
    const key = freshKey("race");
    const candidates = await Promise.all(Array.from({ length: 5 }, () => open()));
    let lastEpoch = 0;
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        candidates.map((store, i) => store.tryAcquire(key, req(`cand-${i}`))),
      );
      const winners = results.flatMap((r, i) => (r.acquired ? [{ i, record: r.record }] : []));
      expect(winners, `round ${round}`).toHaveLength(1);
      const winner = winners[0]!;
      expect(winner.record.holderId).toBe(`cand-${winner.i}`);
      expect(winner.record.epoch).toBeGreaterThan(lastEpoch);
      lastEpoch = winner.record.epoch;
      const current = await candidates[0]!.get(key);
      expect(current?.holderId).toBe(`cand-${winner.i}`);
      expect(current?.epoch).toBe(winner.record.epoch);
      expect(await candidates[winner.i]!.release(key, `cand-${winner.i}`, lastEpoch)).toBe(true);
    }
  });

  it(`${fx.name}: a candidate takes over an expired lease, and the old holder is fenced`, async () => {
    const key = freshKey("expiry");
    const [a, b] = [await open(), await open()];
    const first = await a.tryAcquire(key, req("holder-a", fx.shortLeaseMs));
    if (!first.acquired) throw new Error("holder-a could not acquire a fresh key");
    const early = await b.tryAcquire(key, req("holder-b", fx.shortLeaseMs));
    expect(early.acquired).toBe(false);
    if (!early.acquired) expect(early.current?.holderId).toBe("holder-a");
    const taken = await eventually(
      "holder-b to take over",
      async () => {
        const r = await b.tryAcquire(key, req("holder-b", fx.shortLeaseMs));
        return r.acquired ? r : undefined;
      },
      30_000,
    );
    expect(taken.record.epoch).toBeGreaterThan(first.record.epoch);
    expect(await a.renew(key, "holder-a", first.record.epoch, fx.shortLeaseMs)).toBeUndefined();
    expect(await a.release(key, "holder-a", first.record.epoch)).toBe(false);
    const now = await a.get(key);
    expect(now?.holderId).toBe("holder-b");
    expect(now?.epoch).toBe(taken.record.epoch);
  });

  it(`${fx.name}: renew and release by a non-holder fail and change nothing`, async () => {
    const key = freshKey("nonholder");
    const [a, c] = [await open(), await open()];
    const got = await a.tryAcquire(key, req("holder-a"));
    if (!got.acquired) throw new Error("holder-a could not acquire a fresh key");
    const epoch = got.record.epoch;
    expect(await c.renew(key, "intruder", epoch, fx.raceLeaseMs)).toBeUndefined();
    expect(await c.release(key, "intruder", epoch)).toBe(false);
    // Right id, stale or future epoch: also refused.
    expect(await c.renew(key, "holder-a", epoch + 1, fx.raceLeaseMs)).toBeUndefined();
    expect(await c.release(key, "holder-a", epoch - 1)).toBe(false);
    const after = await c.get(key);
    expect(after?.holderId).toBe("holder-a");
    expect(after?.epoch).toBe(epoch);
    const renewed = await a.renew(key, "holder-a", epoch, fx.raceLeaseMs);
    expect(renewed?.epoch).toBe(epoch);
    expect(await a.release(key, "holder-a", epoch)).toBe(true);
  });

  it(`${fx.name}: epochs strictly increase over 100 successive acquisitions`, async () => {
    const key = freshKey("epochs");
    const holders = [await open(), await open(), await open()];
    let last = 0;
    for (let i = 0; i < 100; i++) {
      const id = `seq-${i % 3}`;
      const store = holders[i % 3]!;
      const r = await store.tryAcquire(key, req(id));
      if (!r.acquired) throw new Error(`acquisition ${i} failed on a released lock`);
      expect(r.record.epoch).toBeGreaterThan(last);
      last = r.record.epoch;
      // Alternate: release half of the time, re-acquire as the same holder the other half.
      if (i % 2 === 0) expect(await store.release(key, id, last)).toBe(true);
      else {
        const again = await store.tryAcquire(key, req(id));
        if (!again.acquired) throw new Error("re-acquiring one's own lock failed");
        expect(again.record.epoch).toBeGreaterThan(last);
        last = again.record.epoch;
        expect(await store.release(key, id, last)).toBe(true);
      }
    }
  });

  it(`${fx.name}: candidates with skewed clocks (±1 h) cannot break mutual exclusion`, async () => {
    const key = freshKey("skew");
    const lease = fx.shortLeaseMs;
    const holder = await open();
    const ahead = await open(skewedClock(3_600_000));
    const behind = await open(skewedClock(-3_600_000));
    const got = await holder.tryAcquire(key, req("honest", lease));
    if (!got.acquired) throw new Error("honest could not acquire a fresh key");
    // The holder keeps renewing for three lease durations; the skewed ones keep trying.
    const until = Date.now() + 3 * lease;
    while (Date.now() < until) {
      const renewed = await holder.renew(key, "honest", got.record.epoch, lease);
      expect(renewed, "the honest holder lost its live lease").toBeDefined();
      for (const [store, id] of [
        [ahead, "ahead"],
        [behind, "behind"],
      ] as const) {
        const r = await store.tryAcquire(key, req(id, lease));
        expect(r.acquired, `${id} took a live lease`).toBe(false);
      }
      await sleep(lease / 6);
    }
    // Once the holder stops renewing, expiry still works for skewed candidates, one at a time.
    const winner = await eventually(
      "a skewed candidate to take over",
      async () => {
        const [x, y] = await Promise.all([
          ahead.tryAcquire(key, req("ahead", 30_000)),
          behind.tryAcquire(key, req("behind", 30_000)),
        ]);
        if (x.acquired && y.acquired) throw new Error("both skewed candidates acquired");
        return x.acquired ? x : y.acquired ? y : undefined;
      },
      30_000,
    );
    expect(winner.record.epoch).toBeGreaterThan(got.record.epoch);
  });

  it(`${fx.name}: storage outage: the leader stops acting within renewDeadline; one leader after`, async () => {
    const outage = await fx.outage();
    const electors: LeaderElector[] = [];
    const outageStores: LockStore[] = [];
    const reasons = new Map<string, StopReason[]>();
    try {
      const key = freshKey("outage");
      for (const id of ["outage-a", "outage-b"]) {
        const store = await createLockStore(outage.config);
        outageStores.push(store);
        reasons.set(id, []);
        const elector = new LeaderElector({
          store,
          key,
          identity: id,
          ...fx.timing,
          onStoppedLeading: reason => reasons.get(id)!.push(reason),
        });
        electors.push(elector);
        elector.start();
      }
      const leader = await eventually(
        "a first leader",
        async () => electors.find(e => e.isLeader()),
        60_000,
      );
      // Let one renewal succeed so the leader is in its steady state, then take the server away.
      await sleep(fx.timing.retryPeriodMs * 2);
      const lease = leader.currentLease();
      const interruptedAt = systemClock.monotonicMs();
      expect(lease).toBeDefined();
      await outage.interrupt();
      const downAt = systemClock.monotonicMs();
      // Its deadline counts from a renewal that started before the outage began.
      expect(lease!.deadlineMs).toBeLessThanOrEqual(interruptedAt + fx.timing.renewDeadlineMs);
      // A renewal already in flight may still come back (its response sent before the server froze,
      // or the server not down yet), but it started before `downAt`: so by `downAt` + renewDeadline
      // every deadline has passed, whichever renewal was the last.
      await sleep(Math.max(0, downAt + fx.timing.renewDeadlineMs - systemClock.monotonicMs()) + 20);
      expect(() => leader.guard.check()).toThrow(NotLeaderError);
      expect(electors.some(e => e.isLeader())).toBe(false);
      await eventually(
        "the stoppedLeading event",
        async () => (reasons.get(leader.identity)!.includes("renew-deadline") ? true : undefined),
        2000,
      );
      process.stderr.write(`[${fx.name}] outage: ${outage.how}\n`);
      await sleep(fx.timing.leaseDurationMs);
      expect(electors.some(e => e.isLeader())).toBe(false);
      await outage.resume();
      // Until one leader has held for a full lease: never two at once (every 50 ms), and it settles.
      // (After a freeze the Spanner emulator first works off the abandoned transactions, which can
      // cost the first new leader its deadline; safety must hold throughout, liveness at the end.)
      let stable: { id: string; since: number } | undefined;
      const giveUp = Date.now() + 120_000;
      for (;;) {
        const leaders = electors.filter(e => e.isLeader());
        expect(leaders.length, "two leaders at once").toBeLessThanOrEqual(1);
        const id = leaders[0] ? `${leaders[0].identity}@${leaders[0].currentLease()?.epoch}` : "";
        if (!id) stable = undefined;
        else if (stable?.id !== id) stable = { id, since: Date.now() };
        else if (Date.now() - stable.since >= fx.timing.leaseDurationMs) break;
        if (Date.now() > giveUp)
          throw new Error("no leader held for a full lease after the outage");
        await sleep(50);
      }
    } finally {
      await outage.resume().catch(() => {});
      await Promise.all(electors.map(e => e.stop()));
      await Promise.all(outageStores.map(closeQuietly));
      await outage.close();
    }
  });

  it(`${fx.name}: a leader frozen (SIGSTOP) past its lease has its next guarded write refused`, async () => {
    const key = freshKey("frozen");
    let frozen: CandidateProcess | undefined;
    const store = await open();
    let standby: LeaderElector | undefined;
    try {
      frozen = spawnCandidate(
        {
          store: fx.config,
          key,
          identity: "frozen-leader",
          timing: fx.timing,
          writeIntervalMs: 50,
        },
        { stderr: line => process.stderr.write(`[candidate] ${line}\n`) },
      );
      const leading = await frozen.next(e => e.event === "leading", 60_000);
      if (leading.event !== "leading") throw new Error("unreachable");
      await frozen.next(e => e.event === "write", 10_000);
      frozen.signal("SIGSTOP");
      await sleep(300); // drain what it printed before the stop
      const mark = frozen.events.length;
      let standbyEpoch = 0;
      standby = new LeaderElector({
        store,
        key,
        identity: "standby",
        ...fx.timing,
        onStartedLeading: epoch => (standbyEpoch = epoch),
      });
      standby.start();
      await eventually(
        "the standby to take over",
        async () => (standby!.isLeader() ? true : undefined),
        120_000,
      );
      expect(standbyEpoch).toBeGreaterThan(leading.epoch);
      frozen.signal("SIGCONT");
      const first = await frozen.next(
        e => e.event === "write" || e.event === "refused",
        10_000,
        mark,
      );
      expect(first.event).toBe("refused");
      await sleep(1000);
      const writesAfter = frozen.events.slice(mark).filter(e => e.event === "write");
      expect(writesAfter).toHaveLength(0);
      expect(standby.guard.check().epoch).toBe(standbyEpoch);
    } finally {
      frozen?.signal("SIGCONT");
      frozen?.signal("SIGKILL");
      await frozen?.exited;
      await standby?.stop();
    }
  });
});
