// Counting one client's API requests from kube-apiserver's audit log (a cluster started with
// `auditLog` and `auditOperatorReads`): the server's record, not the operator's own counters, which
// miss calls made outside its client (Pepr's watches, say).
import { readFileSync, statSync } from "node:fs";
import { assertNotRotated, isDryRun, WRITE_VERBS, type AuditEvent } from "../../chaos/audit-log";

/** One line of the log as the API server wrote it (the chaos reader's event, before its parsed times). */
type RawAuditEvent = Omit<AuditEvent, "at" | "answeredAt"> & { stage: string };

/** The log's events between two marks. */
function eventsBetween(path: string, from: number, to: number): RawAuditEvent[] {
  assertNotRotated(path);
  const text = readFileSync(path).subarray(from, to).toString("utf8");
  return text
    .split("\n")
    .filter(line => line !== "")
    .map(line => JSON.parse(line) as RawAuditEvent);
}

export interface RequestCount {
  requests: number;
  writes: number;
}

export class AuditCounter {
  constructor(private readonly path: string) {}

  /** The log's current end: pass two marks to `count`. */
  mark(): number {
    return statSync(this.path).size;
  }

  /** Requests of `username` logged between two marks (a watch counts once, when it starts). */
  count(from: number, to: number, username: string): RequestCount {
    const seen = new Set<string>();
    const out: RequestCount = { requests: 0, writes: 0 };
    for (const event of eventsBetween(this.path, from, to)) {
      if (event.user?.username !== username || seen.has(event.auditID)) continue;
      const counted = event.verb === "watch" ? "ResponseStarted" : "ResponseComplete";
      if (event.stage !== counted && event.stage !== "Panic") continue;
      seen.add(event.auditID);
      out.requests++;
      // A dry run (the fence barrier's probe) is a request, but it stores nothing.
      if (WRITE_VERBS.has(event.verb) && !isDryRun(event)) out.writes++;
    }
    return out;
  }

  /**
   * When the API server answered each create of a `resource` by `username` that stored an object
   * (201), between two marks: object name → ms since the epoch (the server's clock).
   */
  created(from: number, to: number, username: string, resource: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const event of eventsBetween(this.path, from, to)) {
      const name = event.objectRef?.name;
      if (
        event.user?.username !== username ||
        event.verb !== "create" ||
        event.stage !== "ResponseComplete" ||
        event.responseStatus?.code !== 201 ||
        event.objectRef?.resource !== resource ||
        !name ||
        !event.stageTimestamp
      )
        continue;
      out.set(name, Date.parse(event.stageTimestamp));
    }
    return out;
  }
}
