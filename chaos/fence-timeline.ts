// Who held the right to write at each moment, from the most trustworthy source available:
// 1. HighlanderFence writes in the audit log (issue 10's fence: each term advances it before writing);
// 2. else Lease writes in the audit log (the Kubernetes Lease backend: acquisitions and releases);
// 3. else the replicas' own /api/status polls (Redis, PostgreSQL before the fence exists) - the
//    operators' word, used only because nothing else is there, and said so in the report.
import { EPOCH_ANNOTATION } from "../storage/guard";
import { accepted, isDryRun, refusedByFence, type AuditEvent } from "./audit-log";
import type { LeaderSample } from "./leadership";

export type FenceSource = "highlanderfence" | "lease" | "status-poll";

export interface Term {
  /** When the term began (the accepted fence/lease write, or the first sample naming it). */
  at: number;
  /** When the server answered the write that began it (audit sources only). */
  answeredAt?: number;
  /** Replica name, or "" when the lock was released and nobody holds it. */
  holder: string;
  epoch?: number;
  auditID?: string;
  /**
   * When the server answered the holder's first barrier probe it refused (a dry run stamped below
   * the term's epoch, capabilities/runtime/fence-barrier.ts): from then on the policy applies the
   * term's epoch (highlanderfence source only; absent when the holder's barrier gave up).
   */
  barrierAnsweredAt?: number;
}

export interface FenceTimeline {
  source: FenceSource;
  terms: Term[];
}

const replicaOf = (holderIdentity: string, replicas: string[]): string =>
  // An elector's identity is the replica's HIGHLANDER_ID plus a per-process suffix.
  replicas.find(
    r =>
      holderIdentity === r ||
      holderIdentity.startsWith(`${r}-`) ||
      holderIdentity.startsWith(`${r}_`),
  ) ?? holderIdentity;

export function buildFenceTimeline(
  events: AuditEvent[],
  samples: LeaderSample[],
  replicas: string[],
  leaseName: string,
): FenceTimeline {
  const fromReplica = (e: AuditEvent) => replicas.includes(e.user.username) && accepted(e);
  const fence = events.filter(
    e => fromReplica(e) && e.objectRef?.resource === "highlanderfences" && e.verb !== "delete",
  );
  if (fence.length > 0) {
    const terms: Term[] = [];
    for (const e of fence) {
      const epoch = Number(e.requestObject?.spec?.epoch);
      const last = terms[terms.length - 1];
      // Only an advance starts a term; rewriting the same epoch is not a new one.
      if (last && last.holder === e.user.username && last.epoch === epoch) continue;
      terms.push({
        at: e.at,
        answeredAt: e.answeredAt,
        holder: e.user.username,
        epoch: Number.isFinite(epoch) ? epoch : undefined,
        auditID: e.auditID,
      });
    }
    const probes = events.filter(
      e => replicas.includes(e.user.username) && isDryRun(e) && refusedByFence(e),
    );
    terms.forEach((term, i) => {
      const until = terms[i + 1]?.at ?? Infinity;
      const probe = probes.find(
        p => p.user.username === term.holder && p.at >= term.at && p.at < until,
      );
      if (probe) term.barrierAnsweredAt = probe.answeredAt;
    });
    return { source: "highlanderfence", terms };
  }
  const lease = events.filter(
    e =>
      fromReplica(e) &&
      e.objectRef?.resource === "leases" &&
      e.objectRef.name === leaseName &&
      e.verb !== "delete",
  );
  if (lease.length > 0) {
    const terms: Term[] = [];
    for (const e of lease) {
      const holder = replicaOf(e.requestObject?.spec?.holderIdentity ?? "", replicas);
      const epoch = Number(e.requestObject?.metadata?.annotations?.[EPOCH_ANNOTATION]);
      const last = terms[terms.length - 1];
      if (last && last.holder === holder && (last.epoch === epoch || !Number.isFinite(epoch)))
        continue;
      terms.push({
        at: e.at,
        answeredAt: e.answeredAt,
        holder,
        epoch: Number.isFinite(epoch) ? epoch : undefined,
        auditID: e.auditID,
      });
    }
    return { source: "lease", terms };
  }
  const terms: Term[] = [];
  for (const s of samples) {
    if (s.leaders.length !== 1) continue;
    const l = s.leaders[0];
    const last = terms[terms.length - 1];
    if (last && last.holder === l.name && last.epoch === (l.epoch ?? undefined)) continue;
    terms.push({ at: s.at, holder: l.name, epoch: l.epoch ?? undefined });
  }
  return { source: "status-poll", terms };
}

/** The term in force at `at` (the last one that began at or before it). */
export function termAt(timeline: FenceTimeline, at: number): Term | undefined {
  let found: Term | undefined;
  for (const t of timeline.terms) {
    if (t.at <= at) found = t;
    else break;
  }
  return found;
}
