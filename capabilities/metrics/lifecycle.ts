// workload_operations_total and the startup/shutdown histograms, from what the tracker observes of
// each workload's status (watch events and lists), not from our own writes:
// - start: active went false -> true; startup = since this process first saw it inactive;
// - stop: active went true -> false;
// - delete: the object is gone; shutdown = since this process first saw its deletionTimestamp.
// A replica that starts while a workload is already active counts nothing for it.
import type { Registry } from "prom-client";
import { countWorkloadOperation, observeWorkloadDuration, type WorkloadRef } from "./workload";

interface Seen {
  active: boolean;
  inactiveSinceMs?: number;
  deletingSinceMs?: number;
}

export class WorkloadLifecycle {
  readonly #seen = new Map<string, Seen>();

  constructor(
    private readonly nowMs: () => number = () => performance.now(),
    private readonly registry?: Registry,
  ) {}

  observe(ref: WorkloadRef, active: boolean, deleting: boolean): void {
    const id = idOf(ref);
    const now = this.nowMs();
    const before = this.#seen.get(id);
    const next: Seen = {
      active,
      inactiveSinceMs: active ? undefined : (before?.inactiveSinceMs ?? now),
      deletingSinceMs: deleting ? (before?.deletingSinceMs ?? now) : undefined,
    };
    this.#seen.set(id, next);
    if (!before || before.active === active) return;
    if (active) {
      countWorkloadOperation(ref, "start", this.registry);
      if (before.inactiveSinceMs !== undefined) {
        observeWorkloadDuration(
          ref,
          "startup",
          (now - before.inactiveSinceMs) / 1000,
          this.registry,
        );
      }
    } else {
      countWorkloadOperation(ref, "stop", this.registry);
    }
  }

  removed(ref: WorkloadRef): void {
    const id = idOf(ref);
    const before = this.#seen.get(id);
    this.#seen.delete(id);
    if (!before) return;
    countWorkloadOperation(ref, "delete", this.registry);
    if (before.deletingSinceMs !== undefined) {
      observeWorkloadDuration(
        ref,
        "shutdown",
        (this.nowMs() - before.deletingSinceMs) / 1000,
        this.registry,
      );
    }
  }
}

function idOf(ref: WorkloadRef): string {
  return `${ref.type}/${ref.namespace}/${ref.name}`;
}
