// Every write the operator makes to a workload's children goes through here: it asks the write guard
// right before the request (we still lead within our deadline, or we are still the keeper of a standby
// cluster), stamps the object with the epoch, and never overwrites an object stamped by a later epoch.
import { canOverwrite, EPOCH_ANNOTATION, FencedError } from "../../storage/guard";
import type { KubeClient, KubeObject, ResourceRef } from "./kube-client";

export interface WriteGuard {
  /** Returns the epoch to stamp, or throws when writing is no longer allowed. */
  check(): { epoch: number };
}

function stamp<T extends KubeObject>(obj: T, epoch: number): T {
  const metadata = obj.metadata ?? {};
  return {
    ...obj,
    metadata: {
      ...metadata,
      annotations: { ...metadata.annotations, [EPOCH_ANNOTATION]: String(epoch) },
    },
  };
}

function refuseIfNewer(existing: KubeObject | undefined, epoch: number): void {
  const seen = existing?.metadata?.annotations?.[EPOCH_ANNOTATION];
  if (!canOverwrite(seen, epoch)) throw new FencedError(epoch, Number(seen));
}

export class GuardedWriter {
  constructor(
    private readonly client: KubeClient,
    private readonly guard: WriteGuard,
  ) {}

  /** The epoch we would stamp now (throws when we may not write). */
  epoch(): number {
    return this.guard.check().epoch;
  }

  /** Server-side apply of a child; `existing` is what the reconcile just read (if anything). */
  async apply<T extends KubeObject>(desired: T, existing?: KubeObject): Promise<T> {
    const { epoch } = this.guard.check();
    refuseIfNewer(existing, epoch);
    return this.client.apply(stamp(desired, epoch));
  }

  /** Creates a child; resolves undefined when one of that name already exists (no overwrite). */
  async createIfAbsent<T extends KubeObject>(desired: T): Promise<T | undefined> {
    const { epoch } = this.guard.check();
    try {
      return await this.client.create(stamp(desired, epoch));
    } catch (err) {
      if ((err as { status?: number }).status === 409) return undefined;
      throw err;
    }
  }

  async delete(
    existing: KubeObject,
    propagationPolicy: "Foreground" | "Background" = "Background",
  ): Promise<boolean> {
    const { epoch } = this.guard.check();
    refuseIfNewer(existing, epoch);
    const meta = existing.metadata;
    if (!existing.apiVersion || !existing.kind || !meta?.name)
      throw new Error("delete needs apiVersion, kind and name");
    return this.client.delete(
      {
        apiVersion: existing.apiVersion,
        kind: existing.kind,
        namespace: meta.namespace,
        name: meta.name,
      },
      { propagationPolicy, uid: meta.uid },
    );
  }

  async applyStatus(ref: ResourceRef, status: unknown): Promise<void> {
    this.guard.check();
    await this.client.applyStatus(ref, status);
  }

  async mergePatch(ref: ResourceRef, patch: unknown): Promise<void> {
    this.guard.check();
    await this.client.mergePatch(ref, patch);
  }
}
