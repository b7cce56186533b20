// The leadership-change log the dashboard shows, driven by the events the elector emits, in the order
// it emits them (on acquisition it reports our own record as newLeader, then startedLeading).
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { ElectorEvents, LeaderElector } from "../../storage/elector";
import type { LockRecord } from "../../storage/types";
import { ElectorLeadership } from "./elector-leadership";

class FakeElector extends EventEmitter<ElectorEvents> {
  leading = false;
  latest: LockRecord | undefined;
  constructor(readonly identity: string) {
    super();
  }
  isLeader(): boolean {
    return this.leading;
  }
  lastRecord(): LockRecord | undefined {
    return this.latest;
  }
}

function record(
  holderId: string,
  epoch: number,
  clusterName = "c1",
  renewed = "2026-01-01T00:00:00Z",
): LockRecord {
  const t = new Date(renewed);
  return {
    holderId,
    clusterName,
    epoch,
    acquiredAt: t,
    renewedAt: t,
    expiresAt: new Date(t.getTime() + 4000),
    metadata: {},
  };
}

function setup(id = "me") {
  const elector = new FakeElector(id);
  const leadership = new ElectorLeadership(elector as unknown as LeaderElector, "c1");
  const acquire = (epoch: number) => {
    elector.emit("newLeader", record(id, epoch));
    elector.leading = true;
    elector.emit("startedLeading", epoch);
  };
  return { elector, leadership, acquire };
}

describe("ElectorLeadership", () => {
  it("records a failover when this standby takes over from another leader", () => {
    const { elector, leadership, acquire } = setup();
    elector.emit("newLeader", record("other", 1));
    acquire(2);
    const types = leadership.changes().map(c => c.type);
    expect(types).toEqual(["new-leader", "acquired", "failover"]);
    const failover = leadership.changes().find(c => c.type === "failover");
    expect(failover).toMatchObject({ id: "me", epoch: 2 });
    expect(failover?.detail).toContain("took over from other");
    expect(leadership.leader()).toMatchObject({ id: "me", epoch: 2 });
  });

  it("records no failover for a first acquisition or a re-acquisition of its own lock", () => {
    const { elector, leadership, acquire } = setup();
    acquire(1);
    elector.leading = false;
    elector.emit("stoppedLeading", "renew-deadline");
    acquire(2);
    expect(leadership.changes().map(c => c.type)).toEqual(["acquired", "lost", "acquired"]);
  });

  it("records a failover it observes between two other instances", () => {
    const { elector, leadership } = setup();
    elector.emit("newLeader", record("a", 1));
    elector.emit("newLeader", record("b", 2));
    expect(leadership.changes().map(c => c.type)).toEqual(["new-leader", "new-leader", "failover"]);
    expect(leadership.leader()).toMatchObject({ id: "b", epoch: 2 });
  });

  it("forgets who led before once the takeover is recorded", () => {
    const { elector, leadership, acquire } = setup();
    elector.emit("newLeader", record("other", 1));
    acquire(2);
    elector.leading = false;
    elector.emit("stoppedLeading", "lost");
    acquire(3);
    const failovers = leadership.changes().filter(c => c.type === "failover");
    expect(failovers).toHaveLength(1);
  });

  it("shows the leader's latest renewal, not the one seen when the leader changed", () => {
    const { elector, leadership } = setup();
    elector.emit("newLeader", record("other", 4));
    elector.latest = record("other", 4, "c1", "2026-01-01T00:05:00Z");
    expect(leadership.leader()).toMatchObject({
      id: "other",
      epoch: 4,
      renewedAt: "2026-01-01T00:05:00.000Z",
      expiresAt: "2026-01-01T00:05:04.000Z",
    });
    // A record of another holder or epoch is not this leader's renewal.
    elector.latest = record("third", 5);
    expect(leadership.leader()).toMatchObject({ id: "other", epoch: 4 });
    expect(leadership.leader()?.renewedAt).toBe("2026-01-01T00:00:00.000Z");
  });
});
