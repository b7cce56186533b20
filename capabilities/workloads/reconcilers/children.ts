// Applying one child object: read what is there, refuse to touch an object of that name that the
// workload does not own, leave alone one that already is what we would apply (no write, no event: a
// new leader that finds its children in order writes nothing), otherwise server-side apply the desired
// state through the guarded writer, and tell the workload's events what changed. Shared by every kind
// whose children are applied (not created once).
import type { KubeObject } from "../../runtime/kube-client";
import { isUpToDate, withAppliedHash } from "../controllers/common/up-to-date";
import type { ReconcileContext } from "./context";
import { ownedBy } from "./ownership";

export class ChildConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChildConflictError";
  }
}

function refOf(obj: KubeObject) {
  return {
    apiVersion: obj.apiVersion ?? "",
    kind: obj.kind ?? "",
    namespace: obj.metadata?.namespace,
    name: obj.metadata?.name,
  };
}

function specOf(obj: KubeObject): string {
  return JSON.stringify((obj as { spec?: unknown }).spec ?? null);
}

export async function readChild<T extends KubeObject>(
  rc: ReconcileContext,
  desired: KubeObject,
): Promise<T | undefined> {
  return rc.client.get<T>(refOf(desired));
}

/** Applies `desired` for `owner`; returns the object as the API server has it afterwards. */
export async function applyChild<T extends KubeObject>(
  owner: KubeObject & { metadata?: { uid?: string } },
  desired: T,
  rc: ReconcileContext,
): Promise<T> {
  const existing = await readChild<T>(rc, desired);
  if (existing && !ownedBy(existing, owner)) {
    throw new ChildConflictError(
      `${desired.kind} ${desired.metadata?.name} already exists and is not owned by this workload; rename one of them`,
    );
  }
  const wanted = withAppliedHash(desired);
  // Stamped by an older epoch or not, an unchanged child needs no rewrite: the fence is checked
  // where a write lands, and none does.
  if (existing && isUpToDate(existing, wanted)) return existing;
  const applied = await rc.writer.apply(wanted, existing);
  const what = `${desired.kind} ${desired.metadata?.name}`;
  if (!existing) await rc.events.record(owner, "Normal", "Created", `created ${what}`);
  else if (specOf(existing) !== specOf(applied)) {
    // A new leader's epoch stamp alone changes metadata only: not worth an event.
    await rc.events.record(owner, "Normal", "Updated", `updated ${what}`);
  }
  return applied;
}

interface Scalable extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas?: number };
}

/**
 * Deletion: scales an owned Deployment or StatefulSet to 0 through its controller (every pod gets its
 * grace period) by patching only `spec.replicas`. The workload's spec is not applied again: the API
 * server may refuse it, and a finalizer waiting on that refusal would never come off. Stopped once no
 * pod is left (or there is nothing of ours to stop).
 */
export async function scaleToZero<T extends Scalable>(
  owner: KubeObject & { metadata?: { uid?: string } },
  ref: KubeObject,
  rc: ReconcileContext,
  why: string,
): Promise<{ stopped: boolean; object?: T }> {
  const existing = await readChild<T>(rc, ref);
  if (!existing || !ownedBy(existing, owner)) return { stopped: true };
  if (existing.spec?.replicas !== 0) {
    await rc.writer.mergePatch(refOf(existing), { spec: { replicas: 0 } }, existing);
    const what = `${ref.kind} ${ref.metadata?.name}`;
    await rc.events.record(owner, "Normal", "Stopped", `scaled ${what} to 0: ${why}`);
    return { stopped: false, object: existing };
  }
  return { stopped: (existing.status?.replicas ?? 0) === 0, object: existing };
}

/** Deletes a child the workload owns but no longer wants (e.g. its Service after ports were removed). */
export async function deleteChildIfOwned(
  owner: KubeObject & { metadata?: { uid?: string } },
  ref: KubeObject,
  rc: ReconcileContext,
): Promise<void> {
  const existing = await readChild(rc, ref);
  if (existing && ownedBy(existing, owner)) {
    await rc.writer.delete(existing);
    await rc.events.record(owner, "Normal", "Deleted", `deleted ${ref.kind} ${ref.metadata?.name}`);
  }
}
