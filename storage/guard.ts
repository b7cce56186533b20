// The write guard: every write a leader makes first asks `guard.check()`, which answers with the
// fencing epoch only while this process still leads within its renew deadline (monotonic clock).
// Objects written are stamped with EPOCH_ANNOTATION; the guarded writer (capabilities/runtime/writer.ts)
// uses `canOverwrite` to refuse an object stamped by a newer leader, and the API server's fence policy
// refuses a stale stamp where the write lands (docs/storage.md, "The fence").
import { metrics } from "./metrics";
import type { Clock } from "./clock";

export const EPOCH_ANNOTATION = "highlander.plexobject.io/epoch";

/** Thrown when this process may not write because it is not (or no longer) the leader. */
export class NotLeaderError extends Error {
  override readonly name: string = "NotLeaderError";
  constructor(
    message: string,
    readonly reason: "not-leading" | "deadline-passed" | "stale-epoch",
  ) {
    super(message);
  }
}

/** Thrown when an object already carries a newer epoch than ours: a newer leader owns it. */
export class FencedError extends NotLeaderError {
  override readonly name = "FencedError";
  constructor(
    readonly myEpoch: number,
    readonly objectEpoch: number,
  ) {
    super(`fenced: object has epoch ${objectEpoch}, this leader has ${myEpoch}`, "stale-epoch");
  }
}

/** May a leader with `myEpoch` overwrite an object whose epoch annotation is `existing`? */
export function canOverwrite(
  existingEpochAnnotation: string | undefined,
  myEpoch: number,
): boolean {
  if (existingEpochAnnotation === undefined || existingEpochAnnotation.trim() === "") return true;
  const existing = Number(existingEpochAnnotation);
  // An unreadable stamp is not evidence of a newer leader; a readable one must not exceed ours.
  if (!Number.isFinite(existing)) return true;
  return existing <= myEpoch;
}

/** What the guard needs from the elector: the current lease as seen on the monotonic clock. */
export interface LeadershipView {
  readonly backend: string;
  readonly clock: Clock;
  /** The epoch and the monotonic instant after which this process must stop acting. */
  currentLease(): { epoch: number; deadlineMs: number } | undefined;
}

export class WriteGuard {
  constructor(private readonly view: LeadershipView) {}

  /** {epoch} while leading within the renew deadline; otherwise throws NotLeaderError. */
  check(): { epoch: number } {
    const lease = this.view.currentLease();
    if (!lease) return this.refuse(new NotLeaderError("not the leader", "not-leading"));
    if (this.view.clock.monotonicMs() >= lease.deadlineMs) {
      return this.refuse(
        new NotLeaderError(
          `renew deadline passed for epoch ${lease.epoch}: no longer acting as leader`,
          "deadline-passed",
        ),
      );
    }
    return { epoch: lease.epoch };
  }

  private refuse(err: NotLeaderError): never {
    metrics.fencingRejections.inc({ backend: this.view.backend, source: "operator" });
    throw err;
  }
}
