// The auditor on hand-made evidence: each violation kind is found, and a clean history has none.
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "./audit-log";
import { audit, type AuditInput } from "./auditor";
import type { WatchEvent } from "./watch";

const T0 = Date.parse("2026-12-02T10:00:00Z");
const REPLICAS = ["replica-1", "replica-2"];

function auditEvent(
  at: number,
  user: string,
  resource: string,
  extra: Partial<AuditEvent> = {},
): AuditEvent {
  return {
    auditID: `id-${at}-${user}-${resource}`,
    verb: "patch",
    requestURI: "/",
    user: { username: user },
    objectRef: { resource, name: resource === "leases" ? "highlander-leader-lock-default" : "web" },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: new Date(at).toISOString(),
    at,
    ...extra,
  };
}

const lease = (at: number, user: string, epoch: number) =>
  auditEvent(at, user, "leases", {
    verb: "update",
    requestObject: {
      metadata: { annotations: { "highlander.plexobject.io/epoch": String(epoch) } },
      spec: { holderIdentity: `${user}-abc123` },
    },
  });

let rv = 1;
function watchEvent(
  at: number,
  resource: string,
  name: string,
  extra: Partial<WatchEvent["object"]["metadata"]> = {},
  phase?: string,
  type: WatchEvent["type"] = "MODIFIED",
): WatchEvent {
  return {
    type,
    resource: `/api/v1/namespaces/chaos/${resource}`,
    at,
    object: {
      metadata: { name, uid: `uid-${name}`, resourceVersion: String(rv++), ...extra },
      status: phase ? { phase } : undefined,
    },
  };
}

/** The ADDED event of the cron workload's Job for `tick` (unix seconds), seen at the tick. */
function job(tick: number, name = `j${tick}`): WatchEvent {
  return {
    type: "ADDED",
    resource: "/apis/batch/v1/namespaces/chaos/jobs",
    at: tick * 1000,
    object: { metadata: { name, uid: `uid-${name}`, resourceVersion: String(rv++), labels: { "highlander.plexobject.io/workload": "ticker", "highlander.plexobject.io/tick": String(tick) } } },
  }; // prettier-ignore
}

function input(over: Partial<AuditInput>): AuditInput {
  return {
    audit: [],
    watch: [],
    samples: [],
    replicas: REPLICAS,
    leaseName: "highlander-leader-lock-default",
    leaseMs: 4000,
    podGapMarginMs: 6000,
    processNames: ["solo"],
    cronName: "ticker",
    cronPeriodS: 10,
    startedAt: T0,
    endedAt: T0 + 60_000,
    apiOutages: [],
    ...over,
  };
}

describe("audit", () => {
  it("finds a write accepted from a replica after another took the Lease", () => {
    const result = audit(input({
      audit: [lease(T0, "replica-1", 1), auditEvent(T0 + 1000, "replica-1", "deployments"), lease(T0 + 5000, "replica-2", 2), auditEvent(T0 + 6000, "replica-1", "deployments"), auditEvent(T0 + 6500, "replica-2", "deployments")],
    })); // prettier-ignore
    expect(result.fenceSource).toBe("lease");
    expect(result.violations.map(v => v.kind)).toEqual(["stale-write-accepted"]);
    expect(result.violations[0].evidence).toMatchObject({
      writer: "replica-1",
      termHolder: "replica-2",
      termEpoch: 2,
    });
    // Lease writes count too: every write the replica sent is in the table.
    expect(result.writes["replica-1"].accepted).toBe(3);
  });

  it("prefers HighlanderFence writes and counts fence refusals", () => {
    const fence = (at: number, user: string, epoch: number) =>
      auditEvent(at, user, "highlanderfences", {
        verb: "update",
        requestObject: { spec: { epoch } },
      });
    const refused = auditEvent(T0 + 7000, "replica-1", "deployments", {
      responseStatus: { code: 403, message: "highlander fence: epoch 1 < 2" },
    });
    const result = audit(
      input({ audit: [fence(T0, "replica-1", 1), fence(T0 + 5000, "replica-2", 2), refused] }),
    );
    expect(result.fenceSource).toBe("highlanderfence");
    expect(result.violations).toEqual([]);
    expect(result.writes["replica-1"].refusedByFence).toBe(1);
  });

  it("finds an epoch that went backwards on one object", () => {
    const stamp = (e: number) => ({ annotations: { "highlander.plexobject.io/epoch": String(e) } });
    const result = audit(input({ watch: [watchEvent(T0, "deployments", "web", stamp(2)), watchEvent(T0 + 1, "deployments", "web", stamp(3)), watchEvent(T0 + 2, "deployments", "web", stamp(2))] })); // prettier-ignore
    expect(result.violations.map(v => v.kind)).toEqual(["epoch-decreased"]);
  });

  it("finds two live pods of one singleton, and a long gap without its pod", () => {
    const labels = { labels: { "highlander.plexobject.io/workload": "solo" } };
    const pod = (at: number, name: string, type: WatchEvent["type"] = "ADDED") => ({
      ...watchEvent(at, "pods", name, labels, "Running", type),
    });
    const samples = [{ at: T0 + 20_000, leaders: [], responding: 2 }];
    const result = audit(input({ samples, watch: [pod(T0, "solo"), pod(T0 + 1000, "solo-b"), pod(T0 + 2000, "solo-b", "DELETED"), pod(T0 + 3000, "solo", "DELETED"), pod(T0 + 30_000, "solo")] })); // prettier-ignore
    expect(result.violations.map(v => v.kind).sort()).toEqual([
      "two-live-pods",
      "workload-without-pod",
    ]);
  });

  it("finds a duplicate Job for a tick and a tick without a Job", () => {
    const tick0 = Math.floor(T0 / 1000);
    const result = audit(input({ watch: [job(tick0, "a"), job(tick0, "b"), job(tick0 + 20, "c"), job(tick0 + 30, "d")], endedAt: T0 + 50_000 })); // prettier-ignore
    expect(result.violations.map(v => v.kind).sort()).toEqual([
      "duplicate-tick-job",
      "missed-tick",
    ]);
  });

  it("excuses a tick lost to an API-server outage only when the next tick came before the leader could act", () => {
    const tick0 = Math.floor(T0 / 1000);
    const watch = [job(tick0), job(tick0 + 20), job(tick0 + 30)]; // tick0 + 10 has no Job
    const at = (s: number) => (tick0 + s) * 1000;
    // Down from just before tick0+10 until after tick0+20 minus less than a lease: excused.
    const long = audit(input({ watch, endedAt: T0 + 50_000, apiOutages: [{ from: at(9.7), to: at(17) }] })); // prettier-ignore
    expect(long.violations).toEqual([]);
    expect(long.excused.map(e => [e.kind, e.evidence.tick])).toEqual([["tick-lost-to-outage", tick0 + 10]]); // prettier-ignore
    // Back 8 s before the next tick: the leader had time to run tick0+10, so it counts.
    const short = audit(input({ watch, endedAt: T0 + 50_000, apiOutages: [{ from: at(9.7), to: at(12) }] })); // prettier-ignore
    expect(short.violations.map(v => v.kind)).toEqual(["missed-tick"]);
    expect(short.excused).toEqual([]);
    // An outage that ended before the tick excuses nothing.
    const before = audit(input({ watch, endedAt: T0 + 50_000, apiOutages: [{ from: at(1), to: at(8) }] })); // prettier-ignore
    expect(before.violations.map(v => v.kind)).toEqual(["missed-tick"]);
  });

  it("names the leader of a missed tick, how old its term was and how far its clock was off", () => {
    const tick0 = Math.floor(T0 / 1000);
    const result = audit(
      input({
        audit: [lease(T0 - 60_000, "replica-1", 1), lease(T0 + 7000, "replica-2", 2)],
        watch: [job(tick0), job(tick0 + 20), job(tick0 + 30)],
        endedAt: T0 + 50_000,
        // replica-2 was restarted with a clock at 0.7 of real speed 40 s before the tick.
        replicaStarts: [
          { replica: "replica-2", at: T0 - 100_000, clockRate: 1 },
          { replica: "replica-2", at: T0 - 30_000, clockRate: 0.7 },
        ],
      }),
    );
    expect(result.violations.map(v => v.kind)).toEqual(["missed-tick"]);
    expect(result.violations[0].evidence).toMatchObject({
      tick: tick0 + 10,
      leader: "replica-2",
      termEpoch: 2,
      sinceTermMs: 3000,
      leaderClockRate: 0.7,
      leaderClockBehindMs: 12_000,
    });
    expect(result.violations[0].message).toMatch(
      /replica-2 led, its term 3 s old, clock rate 0.7, 12 s behind/,
    );
  });

  describe("where a stale write fell against the fence, and the order of stamps", () => {
    const fence = (at: number, user: string, epoch: number, answeredAt = at + 20) =>
      auditEvent(at, user, "highlanderfences", {
        verb: "update",
        requestObject: { spec: { epoch } },
        answeredAt,
      });
    const write = (at: number, user: string, epoch: number, answeredAt = at + 10) =>
      auditEvent(at, user, "deployments", {
        auditID: `w-${at}-${user}`,
        requestObject: {
          metadata: { annotations: { "highlander.plexobject.io/epoch": String(epoch) } },
        },
        answeredAt,
      });

    it("excuses an old-term write the server admitted before the new fence took effect and before the new term wrote", () => {
      const result = audit(input({ audit: [fence(T0, "replica-1", 1), fence(T0 + 5000, "replica-2", 2), write(T0 + 5010, "replica-1", 1), write(T0 + 5040, "replica-1", 1), write(T0 + 5200, "replica-2", 2)] })); // prettier-ignore
      expect(result.violations).toEqual([]);
      expect(result.excused.map(x => x.kind)).toEqual([
        "late-write-before-new-term",
        "late-write-before-new-term",
      ]);
      expect(result.excused.map(x => x.evidence)).toMatchObject([
        { msAfterTermAnswered: -10 },
        { msAfterTermAnswered: 20 },
      ]);
      expect(result.excused[0].message).toMatch(
        /while the advance to 2 was in flight .* before replica-2's first write/,
      );
    });

    it("counts an old-term write admitted long after the advance, even before the new term wrote", () => {
      const result = audit(input({ audit: [fence(T0, "replica-1", 1), fence(T0 + 5000, "replica-2", 2), write(T0 + 6500, "replica-1", 1), write(T0 + 9000, "replica-2", 2)] })); // prettier-ignore
      expect(result.violations.map(v => v.kind)).toEqual(["stale-write-accepted"]);
      expect(result.violations[0].evidence).toMatchObject({
        msAfterTermAnswered: 1480,
        beforeTermFirstWrite: true,
      });
      expect(result.violations[0].message).toMatch(
        /received 1480 ms after the term's own write was answered, before the new holder's first write/,
      );
    });

    /** The new holder's barrier probe: a dry-run Event stamped below its epoch. */
    const probe = (at: number, user: string, refused: boolean, answeredAt = at + 5) =>
      auditEvent(at, user, "events", {
        verb: "create",
        requestURI: "/api/v1/namespaces/default/events?dryRun=All&fieldManager=highlander",
        responseStatus: refused
          ? { code: 403, message: "highlander fence: events default/x is stamped with epoch 1" }
          : { code: 201 },
        requestObject: {
          metadata: { annotations: { "highlander.plexobject.io/epoch": "1" } },
        },
        answeredAt,
      });

    it("with the new holder's barrier in the log, excuses an old-term write received before the probe was refused, and counts one after", () => {
      const history = [fence(T0, "replica-1", 1), fence(T0 + 5000, "replica-2", 2), probe(T0 + 5021, "replica-2", false), write(T0 + 5030, "replica-1", 1), probe(T0 + 5040, "replica-2", true, T0 + 5045), write(T0 + 5050, "replica-1", 1), write(T0 + 5200, "replica-2", 2)]; // prettier-ignore
      const result = audit(input({ audit: history }));
      expect(result.excused.map(x => x.evidence)).toMatchObject([
        {
          auditID: `w-${T0 + 5030}-replica-1`,
          barrierAnsweredAt: new Date(T0 + 5045).toISOString(),
        },
      ]);
      expect(result.excused[0].message).toMatch(
        /received 15 ms before replica-2's barrier probe was refused/,
      );
      // Within a second of the advance, which alone would have excused it: the barrier says otherwise.
      expect(result.violations.map(v => v.kind)).toEqual(["stale-write-accepted"]);
      expect(result.violations[0].evidence).toMatchObject({ auditID: `w-${T0 + 5050}-replica-1` });
      expect(result.barrier).toEqual({
        terms: 2,
        withProbe: 1,
        msAfterAdvance: { p50: 25, p99: 25, max: 25 },
      });
      // Probes are not writes: neither judged nor counted (its two: the fence and the Deployment).
      expect(result.writes["replica-2"]).toEqual({
        accepted: 2,
        refusedByFence: 0,
        refusedOther: 0,
      });
    });

    it("finds an older stamp accepted after a newer one was answered, not one in flight with it", () => {
      const inFlight = audit(input({ audit: [fence(T0, "replica-1", 1), fence(T0 + 5000, "replica-2", 2), write(T0 + 5100, "replica-2", 2, T0 + 5150), write(T0 + 5140, "replica-1", 1)] })); // prettier-ignore
      expect(inFlight.violations.map(v => v.kind)).toEqual(["stale-write-accepted"]);
      const after = audit(input({ audit: [fence(T0, "replica-1", 1), fence(T0 + 5000, "replica-2", 2), write(T0 + 5100, "replica-2", 2, T0 + 5150), write(T0 + 5160, "replica-1", 1)] })); // prettier-ignore
      expect(after.violations.map(v => v.kind).sort()).toEqual([
        "older-stamp-after-newer",
        "stale-write-accepted",
      ]);
      const order = after.violations.find(v => v.kind === "older-stamp-after-newer")!;
      expect(order.evidence).toMatchObject({
        writer: "replica-1",
        stamp: 1,
        newerStamp: 2,
        newerWriter: "replica-2",
      });
      expect(after.violations.find(v => v.kind === "stale-write-accepted")!.evidence).toMatchObject(
        { beforeTermFirstWrite: false },
      );
    });
  });
});
