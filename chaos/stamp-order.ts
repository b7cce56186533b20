// Kleppmann's rule, checked where the writes land: once the API server has accepted a write stamped
// with epoch e, it must never accept one stamped lower. This is the danger a fence exists for (a
// stale leader rolling children back after the new term wrote them), judged from the audit log alone,
// with both timestamps of every request: a write counts against the newer stamps already *answered*
// when it was *received*, so two requests in flight together are never taken as ordered.
import { stampOf, type AuditEvent } from "./audit-log";

export interface StampOrderBreach {
  write: AuditEvent;
  stamp: number;
  /** The newest stamp the server had accepted, and answered, before this write arrived. */
  newer: { stamp: number; auditID: string; writer: string; answeredAt: number };
}

/** Over accepted writes the caller picked; writes without an epoch stamp are skipped. */
export function olderStampsAfterNewer(acceptedWrites: AuditEvent[]): StampOrderBreach[] {
  const writes = acceptedWrites.flatMap(e => {
    const stamp = stampOf(e);
    return stamp === undefined ? [] : [{ e, stamp, answeredAt: e.answeredAt ?? e.at }];
  });
  // Running maximum over writes ordered by when they were answered.
  const byAnswer = [...writes].sort((a, b) => a.answeredAt - b.answeredAt);
  const best: Array<(typeof writes)[number]> = [];
  for (const w of byAnswer) {
    const prev = best[best.length - 1];
    best.push(prev && prev.stamp >= w.stamp ? prev : w);
  }
  const breaches: StampOrderBreach[] = [];
  for (const w of writes) {
    // The last write answered strictly before this one was received.
    let lo = 0;
    let hi = byAnswer.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byAnswer[mid].answeredAt < w.e.at) lo = mid + 1;
      else hi = mid;
    }
    const newest = lo > 0 ? best[lo - 1] : undefined;
    if (newest && newest.stamp > w.stamp)
      breaches.push({
        write: w.e,
        stamp: w.stamp,
        newer: {
          stamp: newest.stamp,
          auditID: newest.e.auditID,
          writer: newest.e.user.username,
          answeredAt: newest.answeredAt,
        },
      });
  }
  return breaches;
}
