// The write guard, the operator's side of the fence: every write a leader makes first asks
// `guard.check()`, which answers with the fencing epoch only while this process still leads within its
// renew deadline (monotonic clock); a standby cluster's keeper asks `guard.checkObserved()`, which
// answers only while its last look at the lock is that recent. Objects written are stamped with
// EPOCH_ANNOTATION; `checkOverwrite` refuses an object stamped by a newer leader. The guarded writer
// (capabilities/runtime/writer.ts) is the one caller of both before a write, and the API server's fence
// policy refuses a stale stamp where the write lands (docs/storage.md, "The fence"). Every refusal
// here is counted in k8_highlander_fencing_rejections_total{source="operator"}.
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

/**
 * Refuses (counted, FencedError) to overwrite an object whose epoch annotation `existing` is newer
 * than `myEpoch`: a newer leader owns it.
 */
export function checkOverwrite(
  existingEpochAnnotation: string | undefined,
  myEpoch: number,
  backend: string,
): void {
  if (canOverwrite(existingEpochAnnotation, myEpoch)) return;
  countRefusal(backend);
  throw new FencedError(myEpoch, Number(existingEpochAnnotation));
}

/** Another holder's lock as this process last read it from storage. */
export interface ObservedLock {
  holderId: string;
  epoch: number;
}

/** What the guard needs from the elector: the current lease as seen on the monotonic clock. */
export interface LeadershipView {
  readonly backend: string;
  readonly clock: Clock;
  /** The epoch and the monotonic instant after which this process must stop acting. */
  currentLease(): { epoch: number; deadlineMs: number } | undefined;
  /**
   * While not leading: the lock as storage last answered a look at it, and the monotonic instant
   * after which that answer is too old to act on.
   */
  observedLease(): (ObservedLock & { deadlineMs: number }) | undefined;
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

  /**
   * The lock's holder as last read, while that read is within the renew deadline: what a standby
   * cluster's keeper acts on. A keeper cut off from storage could otherwise go on stopping things
   * for a remote leader long gone while a replica of its own cluster has taken over.
   */
  freshObservation(): ObservedLock | undefined {
    const seen = this.view.observedLease();
    if (!seen || this.view.clock.monotonicMs() >= seen.deadlineMs) return undefined;
    return { holderId: seen.holderId, epoch: seen.epoch };
  }

  /** freshObservation(), or a (counted) NotLeaderError when there is none. */
  checkObserved(): ObservedLock {
    return (
      this.freshObservation() ??
      this.refuse(
        new NotLeaderError(
          "no answer from the lock storage within the renew deadline: not acting for another holder",
          "deadline-passed",
        ),
      )
    );
  }

  private refuse(err: NotLeaderError): never {
    countRefusal(this.view.backend);
    throw err;
  }
}

function countRefusal(backend: string): void {
  metrics.fencingRejections.inc({ backend, source: "operator" });
}
