// The judge of a run. It trusts nothing the operators say: writes come from kube-apiserver's audit
// log, children and statuses from our own watches. (Only the "who leads" fallback uses the replicas'
// /api/status, when the audit log has neither fence nor Lease writes; the report says so.)
import { EPOCH_ANNOTATION } from "../storage/guard";
import {
  accepted,
  isDryRun,
  refusedByFence,
  stampOf,
  WRITE_VERBS,
  type AuditEvent,
} from "./audit-log";
import {
  buildFenceTimeline,
  termAt,
  type FenceSource,
  type FenceTimeline,
  type Term,
} from "./fence-timeline";
import type { LeaderSample } from "./leadership";
import { olderStampsAfterNewer } from "./stamp-order";
import { percentile } from "../devenv/lib/percentile";
import type { WatchEvent } from "./watch";

type ViolationKind =
  | "two-live-pods"
  | "duplicate-tick-job"
  | "missed-tick"
  | "epoch-decreased"
  | "stale-write-accepted"
  | "older-stamp-after-newer"
  | "workload-without-pod";

export interface Violation {
  kind: ViolationKind;
  at: string;
  message: string;
  evidence: Record<string, unknown>;
}

export interface AuditInput {
  audit: AuditEvent[];
  watch: WatchEvent[];
  samples: LeaderSample[];
  replicas: string[];
  leaseName: string;
  leaseMs: number;
  /** Extra time a workload may go without its pod beyond the lease before it counts. */
  podGapMarginMs: number;
  /** The singleton WorkloadProcess names and the cron workload name. */
  processNames: string[];
  cronName: string;
  cronPeriodS: number;
  startedAt: number;
  endedAt: number;
  /**
   * When kube-apiserver answered nobody (restart-apiserver faults): [from, to] in ms. No replica can
   * create a Job then, and after it the leader runs only the latest missed tick (Kubernetes' rule).
   */
  apiOutages: Array<{ from: number; to: number }>;
  /** Every start of every replica, with the clock rate it ran with (libfaketime; 1 = real time). */
  replicaStarts?: Array<{ replica: string; at: number; clockRate: number }>;
}

/** Something that looks like a violation but is the documented behaviour, with why. */
export interface Excused {
  kind: "tick-lost-to-outage" | "late-write-before-new-term";
  at: string;
  message: string;
  evidence: Record<string, unknown>;
}

export interface AuditResult {
  violations: Violation[];
  excused: Excused[];
  fenceSource: FenceSource;
  terms: number;
  /** Accepted writes per replica, refused-by-fence writes (403 "highlander fence:") per replica. */
  writes: Record<string, { accepted: number; refusedByFence: number; refusedOther: number }>;
  /** The barriers of terms that changed hands: how many showed a refused probe, and when. */
  barrier: BarrierStats;
}

interface BarrierStats {
  terms: number;
  withProbe: number;
  /** From the advance answered to the refused probe answered. */
  msAfterAdvance: { p50: number; p99: number; max: number };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Writes that are about the lock or Pepr's own bookkeeping, not the workloads. */
const BOOKKEEPING = new Set([
  "leases",
  "highlanderfences",
  "peprstores",
  "tokenreviews",
  "subjectaccessreviews",
]);

/** An accepted write of a workload or a child (not the lock's bookkeeping) by one of `writers`. */
function workloadWriteBy(e: AuditEvent, writers: string[]): boolean {
  return (
    writers.includes(e.user.username) &&
    WRITE_VERBS.has(e.verb) &&
    accepted(e) &&
    !isDryRun(e) &&
    !BOOKKEEPING.has(e.objectRef?.resource ?? "")
  );
}

/**
 * How long after a fence advance was answered kube-apiserver may still admit a write against the old
 * epoch: the fence policy reads its params from an informer, which learns of the advance through a
 * watch (13–20 ms measured on two loaded cores). Used only for a term without barrier evidence (its
 * holder's barrier gave up); generous on purpose, a longer lag counts.
 */
const FENCE_PROPAGATION_MS = 1000;

/**
 * Was a write of the old term admitted before the new term's epoch took effect? With the holder's
 * barrier in the log: received before the server answered the refused probe (an admitted write was
 * checked before the policy saw the new epoch, so before the probe was refused). Without: within
 * FENCE_PROPAGATION_MS of the advance.
 */
function beforeEpochInEffect(e: AuditEvent, term: Term): boolean {
  if (term.barrierAnsweredAt !== undefined) return e.at <= term.barrierAnsweredAt;
  return term.answeredAt !== undefined && e.at - term.answeredAt <= FENCE_PROPAGATION_MS;
}

function staleWrites(
  input: AuditInput,
  timeline: FenceTimeline,
  out: Violation[],
  excused: Excused[],
): void {
  for (const e of input.audit) {
    if (!workloadWriteBy(e, input.replicas)) continue;
    const term = termAt(timeline, e.at);
    if (!term || term.holder === e.user.username) continue;
    if (timeline.source === "status-poll") {
      // Poll granularity: forgive a write within one poll of a sample that named its writer.
      const near = input.samples.some(
        s => Math.abs(s.at - e.at) <= 600 && s.leaders.some(l => l.name === e.user.username),
      );
      if (near) continue;
    }
    // Where it fell against the term's start: before the write that began the term was answered
    // (the two were in flight together), and before or after the new holder's own first write.
    const msAfterTermAnswered = term.answeredAt === undefined ? undefined : e.at - term.answeredAt;
    const firstOfTerm = input.audit.find(w => w.at >= term.at && workloadWriteBy(w, [term.holder]));
    const beforeTermFirstWrite = !firstOfTerm || (e.answeredAt ?? e.at) < firstOfTerm.at;
    const when =
      msAfterTermAnswered === undefined
        ? ""
        : msAfterTermAnswered < 0
          ? "; received before the term's own write was answered"
          : `; received ${msAfterTermAnswered} ms after the term's own write was answered`;
    const evidence = {
      auditID: e.auditID,
      writer: e.user.username,
      stamp: stampOf(e),
      termHolder: term.holder,
      termEpoch: term.epoch,
      termAuditID: term.auditID,
      msAfterTermAnswered,
    };
    const what = `${e.user.username} ${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name ?? ""}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ""}`;
    // The API server orders a write it admitted against the old epoch before the new one took effect:
    // by Kleppmann's rule it is the old term's last write, harmless while the new term has not
    // written (after that, older-stamp-after-newer and epoch-decreased judge it as well).
    if (
      timeline.source === "highlanderfence" &&
      beforeTermFirstWrite &&
      msAfterTermAnswered !== undefined &&
      beforeEpochInEffect(e, term)
    ) {
      const barrier =
        term.barrierAnsweredAt === undefined
          ? "no barrier probe in the log"
          : `received ${term.barrierAnsweredAt - e.at} ms before ${term.holder}'s barrier probe was refused`;
      excused.push({
        kind: "late-write-before-new-term",
        at: e.requestReceivedTimestamp,
        message: `${what} admitted against the old fence epoch ${msAfterTermAnswered < 0 ? "while the advance to" : `${msAfterTermAnswered} ms after the advance to`} ${term.epoch ?? "?"} ${msAfterTermAnswered < 0 ? "was in flight" : "was answered"} (the policy's params come from an informer; ${barrier}), before ${term.holder}'s first write`,
        evidence: {
          ...evidence,
          termFirstWriteAuditID: firstOfTerm?.auditID,
          barrierAnsweredAt:
            term.barrierAnsweredAt === undefined ? undefined : iso(term.barrierAnsweredAt),
        },
      });
      continue;
    }
    out.push({
      kind: "stale-write-accepted",
      at: e.requestReceivedTimestamp,
      message: `${what} accepted (${e.responseStatus?.code}) while ${term.holder || "nobody"} held the ${timeline.source} term${when}${beforeTermFirstWrite ? ", before the new holder's first write" : ", after the new holder had written"}`,
      evidence: {
        ...evidence,
        termStartedAt: iso(term.at),
        source: timeline.source,
        beforeTermFirstWrite,
      },
    });
  }
}

function stampOrder(input: AuditInput, out: Violation[]): void {
  const writes = input.audit.filter(e => workloadWriteBy(e, input.replicas));
  for (const b of olderStampsAfterNewer(writes)) {
    const e = b.write;
    out.push({
      kind: "older-stamp-after-newer",
      at: e.requestReceivedTimestamp,
      message: `${e.user.username} ${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name ?? ""} stamped ${b.stamp} accepted after the server had accepted epoch ${b.newer.stamp} (${b.newer.writer})`,
      evidence: {
        auditID: e.auditID,
        writer: e.user.username,
        stamp: b.stamp,
        newerStamp: b.newer.stamp,
        newerAuditID: b.newer.auditID,
        newerWriter: b.newer.writer,
        newerAnsweredAt: iso(b.newer.answeredAt),
      },
    });
  }
}

function epochOf(w: WatchEvent): number | undefined {
  const raw = w.object.metadata.annotations?.[EPOCH_ANNOTATION] ?? w.object.status?.leader?.epoch;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function epochDecreases(input: AuditInput, out: Violation[]): void {
  const highest = new Map<string, { epoch: number; rv: string; at: number }>();
  for (const w of input.watch) {
    if (w.type === "DELETED") continue;
    const epoch = epochOf(w);
    if (epoch === undefined) continue;
    const key = `${w.resource}/${w.object.metadata.name}/${w.object.metadata.uid}`;
    const prev = highest.get(key);
    if (prev && epoch < prev.epoch) {
      out.push({
        kind: "epoch-decreased",
        at: iso(w.at),
        message: `${key}: epoch ${prev.epoch} (rv ${prev.rv}) -> ${epoch} (rv ${w.object.metadata.resourceVersion})`,
        evidence: {
          object: key,
          from: prev,
          to: { epoch, rv: w.object.metadata.resourceVersion, at: w.at },
        },
      });
    }
    if (!prev || epoch >= prev.epoch)
      highest.set(key, { epoch, rv: w.object.metadata.resourceVersion, at: w.at });
  }
}

const isPods = (w: WatchEvent) => w.resource.endsWith("/pods");
const isJobs = (w: WatchEvent) => w.resource.endsWith("/jobs");
const workloadOf = (w: WatchEvent) =>
  w.object.metadata.labels?.["highlander.plexobject.io/workload"] ?? "";
const terminal = (w: WatchEvent) =>
  w.object.status?.phase === "Succeeded" || w.object.status?.phase === "Failed";

function singletonPods(input: AuditInput, out: Violation[]): void {
  const aliveReplicaAt = (from: number, to: number) =>
    input.samples.some(s => s.at >= from && s.at <= to && s.responding > 0);
  for (const name of input.processNames) {
    const live = new Map<string, string>(); // uid -> pod name
    let reported = false;
    let emptySince: number | undefined = input.startedAt;
    let seenPod = false;
    const gapLimit = input.leaseMs + input.podGapMarginMs;
    const closeGap = (until: number) => {
      if (
        emptySince !== undefined &&
        seenPod &&
        until - emptySince > gapLimit &&
        aliveReplicaAt(emptySince, until)
      ) {
        out.push({
          kind: "workload-without-pod",
          at: iso(emptySince),
          message: `WorkloadProcess ${name} had no live pod for ${until - emptySince} ms (limit ${gapLimit} ms) while a replica was alive`,
          evidence: {
            workload: name,
            from: iso(emptySince),
            to: iso(until),
            ms: until - emptySince,
          },
        });
      }
    };
    for (const w of input.watch) {
      if (!isPods(w) || workloadOf(w) !== name) continue;
      const uid = w.object.metadata.uid;
      if (w.type === "DELETED" || terminal(w)) live.delete(uid);
      else live.set(uid, w.object.metadata.name);
      if (live.size > 0) {
        if (emptySince !== undefined) closeGap(w.at);
        emptySince = undefined;
        seenPod = true;
      } else if (emptySince === undefined) emptySince = w.at;
      if (live.size > 1 && !reported) {
        reported = true;
        out.push({
          kind: "two-live-pods",
          at: iso(w.at),
          message: `WorkloadProcess ${name} had ${live.size} live pods at once: ${[...live.values()].join(", ")}`,
          evidence: {
            workload: name,
            pods: [...live.entries()].map(([u, n]) => ({ uid: u, name: n })),
          },
        });
      }
      if (live.size <= 1) reported = false;
    }
    closeGap(input.endedAt);
  }
}

/** A request in flight when the API server stops is lost with it: an outage starts this much earlier. */
const OUTAGE_LEAD_MS = 1000;

/**
 * The outage a tick without a Job fell into, if the next tick also came before the leader could be
 * expected to act again (the outage's end plus one lease for its watch and retry to come back): then
 * catch-up runs that later tick instead, as Kubernetes' CronJob controller does, by design.
 */
function outageCovering(
  input: AuditInput,
  tickS: number,
): { from: number; to: number } | undefined {
  const at = tickS * 1000;
  const next = (tickS + input.cronPeriodS) * 1000;
  return input.apiOutages.find(
    o => o.from - OUTAGE_LEAD_MS <= at && at <= o.to && next <= o.to + input.leaseMs,
  );
}

/**
 * Who led when a tick went without a Job, to tell the causes apart: a term that had just begun (a
 * takeover still reconciling), or a leader whose clock ran slow or fast, and how far off it was by then.
 */
function tickContext(
  input: AuditInput,
  timeline: FenceTimeline,
  at: number,
): { evidence: Record<string, unknown>; summary: string } {
  const term = termAt(timeline, at);
  if (!term || !term.holder) return { evidence: { leader: null }, summary: "nobody led" };
  const sinceTermMs = at - term.at;
  const starts = (input.replicaStarts ?? []).filter(s => s.replica === term.holder && s.at <= at);
  const start = starts[starts.length - 1];
  const rate = start?.clockRate ?? 1;
  // libfaketime keeps the wall clock right at the start, then runs it at `rate`.
  const clockBehindMs = start ? Math.round((1 - rate) * (at - start.at)) : 0;
  const off = `${Math.abs(clockBehindMs) / 1000} s ${clockBehindMs >= 0 ? "behind" : "ahead"}`;
  const clock = rate === 1 ? "" : `, clock rate ${rate}, ${off}`;
  return {
    evidence: {
      leader: term.holder,
      termEpoch: term.epoch,
      termStartedAt: iso(term.at),
      sinceTermMs,
      leaderClockRate: rate,
      leaderClockBehindMs: clockBehindMs,
    },
    summary: `${term.holder} led, its term ${sinceTermMs / 1000} s old${clock}`,
  };
}

function cronTicks(
  input: AuditInput,
  timeline: FenceTimeline,
  out: Violation[],
  excused: Excused[],
): void {
  const byTick = new Map<number, Map<string, string>>(); // tick -> uid -> job name
  let firstSeen: number | undefined;
  for (const w of input.watch) {
    if (!isJobs(w) || workloadOf(w) !== input.cronName || w.type === "DELETED") continue;
    const tick = Number(w.object.metadata.labels?.["highlander.plexobject.io/tick"]);
    if (!Number.isFinite(tick)) continue;
    firstSeen = firstSeen === undefined ? tick : Math.min(firstSeen, tick);
    const jobs = byTick.get(tick) ?? new Map<string, string>();
    jobs.set(w.object.metadata.uid, w.object.metadata.name);
    byTick.set(tick, jobs);
  }
  for (const [tick, jobs] of byTick) {
    if (jobs.size > 1)
      out.push({
        kind: "duplicate-tick-job",
        at: iso(tick * 1000),
        message: `tick ${iso(tick * 1000)} has ${jobs.size} Jobs: ${[...jobs.values()].join(", ")}`,
        evidence: { tick, jobs: [...jobs.entries()].map(([uid, name]) => ({ uid, name })) },
      });
  }
  if (firstSeen === undefined) return;
  // Judge only ticks that had time to be created: the last two periods may still be in flight.
  const lastJudged = Math.floor(input.endedAt / 1000) - 2 * input.cronPeriodS;
  for (let t = firstSeen; t <= lastJudged; t += input.cronPeriodS) {
    if (byTick.has(t)) continue;
    const outage = outageCovering(input, t);
    if (outage)
      excused.push({
        kind: "tick-lost-to-outage",
        at: iso(t * 1000),
        message: `no Job for tick ${iso(t * 1000)}: kube-apiserver was down ${iso(outage.from)} .. ${iso(outage.to)} and the next tick came before the leader could act again`,
        evidence: { tick: t, outageFrom: iso(outage.from), outageTo: iso(outage.to) },
      });
    else {
      const context = tickContext(input, timeline, t * 1000);
      out.push({
        kind: "missed-tick",
        at: iso(t * 1000),
        message: `no Job for tick ${iso(t * 1000)} (${context.summary})`,
        evidence: { tick: t, ...context.evidence },
      });
    }
  }
}

function writeCounts(input: AuditInput): AuditResult["writes"] {
  const writes: AuditResult["writes"] = {};
  for (const r of input.replicas) writes[r] = { accepted: 0, refusedByFence: 0, refusedOther: 0 };
  for (const e of input.audit) {
    const w = writes[e.user.username];
    if (!w || !WRITE_VERBS.has(e.verb) || isDryRun(e)) continue;
    if (accepted(e)) w.accepted++;
    else if (refusedByFence(e)) w.refusedByFence++;
    else w.refusedOther++;
  }
  return writes;
}

/**
 * The barriers of the terms that changed hands (a holder that raises its own epoch, recording a new
 * lock epoch, continues its term and has no barrier to pass; releases are not terms that act).
 */
function barrierStats(timeline: FenceTimeline): BarrierStats {
  const all = timeline.source === "highlanderfence" ? timeline.terms : [];
  const terms = all.filter((t, i) => t.holder && t.holder !== all[i - 1]?.holder);
  const waits = terms
    .filter(t => t.barrierAnsweredAt !== undefined && t.answeredAt !== undefined)
    .map(t => (t.barrierAnsweredAt ?? 0) - (t.answeredAt ?? 0))
    .sort((a, b) => a - b);
  return {
    terms: terms.length,
    withProbe: waits.length,
    msAfterAdvance: {
      p50: percentile(waits, 50),
      p99: percentile(waits, 99),
      max: waits.at(-1) ?? 0,
    },
  };
}

export function audit(input: AuditInput): AuditResult {
  const violations: Violation[] = [];
  const excused: Excused[] = [];
  const timeline = buildFenceTimeline(input.audit, input.samples, input.replicas, input.leaseName);
  staleWrites(input, timeline, violations, excused);
  stampOrder(input, violations);
  epochDecreases(input, violations);
  singletonPods(input, violations);
  cronTicks(input, timeline, violations, excused);
  return {
    violations,
    excused,
    fenceSource: timeline.source,
    terms: timeline.terms.length,
    writes: writeCounts(input),
    barrier: barrierStats(timeline),
  };
}
