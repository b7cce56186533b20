// The operator's one path for writes to the API server: it asks its epoch source right before each
// request (we lead and the fence was advanced for our term, or we keep a standby cluster), stamps the
// object with that epoch (annotation on objects, status.leader.epoch on status), never overwrites an
// object stamped by a later epoch, and turns the API server's fence refusal (403 from the
// highlander-fence policy) into a FenceRefusedError: counted, reported to the leadership (which checks
// whether a newer term has taken the fence) and thrown so the reconcile is retried and logged.
import { checkOverwrite, EPOCH_ANNOTATION, FencedError } from "../../storage/guard";
import { metrics } from "../../storage/metrics";
import { FENCED_WRITE_LABEL, isFenceRefusal } from "./fence";
import {
  isNotFound,
  KubeApiError,
  type KubeClient,
  type KubeObject,
  type ResourceRef,
} from "./kube-client";

/** Where the writer gets the epoch to stamp; throws when writing is not allowed now. */
export interface EpochSource {
  check(): { epoch: number };
}

/** The API server refused a write because its epoch is older than the fence. */
export class FenceRefusedError extends Error {
  override readonly name = "FenceRefusedError";
  constructor(
    readonly epoch: number,
    message: string,
  ) {
    super(message);
  }
}

export interface WriterOptions {
  /** The lock backend, for the fencing metric's label. */
  backend: string;
  /** Told about every refusal, so leadership can check whether a newer term holds the fence. */
  onRefused?: (err: FenceRefusedError | FencedError) => void;
  /** Told about every write that went through: an info line per object created, changed or deleted. */
  log?: WriteLog;
  /** Told what the API server answered to each write, so reads that follow are not older (the cache). */
  written?: WrittenObjects;
}

/** Objects as a write left them: returned by the API server, deleted by us, or gone. */
export interface WrittenObjects {
  written(obj: KubeObject): void;
  /** We asked for its deletion: it is terminating. */
  deleted(obj: KubeObject): void;
  /** The write removed its last finalizer while it was being deleted: it no longer exists. */
  gone(obj: KubeObject): void;
}

/**
 * Whether the API server deleted the object as part of this write: the last finalizer came off an
 * object whose deletion has no grace period left (a custom resource). Its answer then carries the
 * resourceVersion from before the write (nothing was stored), so as a "newer version" a cache would
 * ignore it and keep the one with the finalizer until the watch's DELETED arrives.
 */
function deletedByWrite(obj: KubeObject): boolean {
  const meta = obj.metadata;
  return (
    meta?.deletionTimestamp !== undefined &&
    (meta.finalizers ?? []).length === 0 &&
    (meta.deletionGracePeriodSeconds ?? 0) === 0
  );
}

/** The part of a logger the writer uses. */
interface WriteLog {
  info(fields: object, msg: string): void;
  debug(fields: object, msg: string): void;
}

export type WriteAction = "created" | "changed" | "deleted" | "status";

/** What one successful write did, as the writer logs it. */
export function writeLogLine(
  action: WriteAction,
  ref: ResourceRef,
  epoch: number,
): { level: "info" | "debug"; fields: Record<string, unknown>; msg: string } {
  // Under `resource`, as resourceLogger puts it: a flat `name` would replace the logger's.
  const resource = { kind: ref.kind, namespace: ref.namespace, name: ref.name };
  const where = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return {
    // Status follows every change of what a workload observes, and Events record what the other
    // lines say already: detail, not objects the operator manages.
    level: action === "status" || ref.kind === "Event" ? "debug" : "info",
    fields: { write: action, resource, epoch },
    msg:
      action === "status"
        ? `status of ${ref.kind} ${where} written`
        : `${action} ${ref.kind} ${where}`,
  };
}

/** The metadata a stamp merges into: the object's, or a patch's. */
interface Stampable {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * What every write puts in metadata: the epoch, and the label that brings the write under the
 * children's fence policy (an update matches when the old or the new object carries it).
 */
function stamp<T extends { metadata?: Stampable }>(obj: T, epoch: number): T {
  const metadata = obj.metadata ?? {};
  return {
    ...obj,
    metadata: {
      ...metadata,
      labels: { ...metadata.labels, [FENCED_WRITE_LABEL]: "true" },
      annotations: { ...metadata.annotations, [EPOCH_ANNOTATION]: String(epoch) },
    },
  };
}

function refOf(obj: KubeObject): ResourceRef {
  const meta = obj.metadata;
  if (!obj.apiVersion || !obj.kind || !meta?.name)
    throw new Error("a write needs apiVersion, kind and name");
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: meta.namespace, name: meta.name };
}

export class GuardedWriter {
  constructor(
    private readonly client: KubeClient,
    private readonly source: EpochSource,
    private readonly opts: WriterOptions = { backend: "" },
  ) {}

  /** The epoch we would stamp now (throws when we may not write). */
  epoch(): number {
    return this.source.check().epoch;
  }

  /** Server-side apply of a child; `existing` is what the reconcile just read (if anything). */
  async apply<T extends KubeObject>(desired: T, existing?: KubeObject): Promise<T> {
    const epoch = this.#allowed(existing);
    const applied = await this.#send(epoch, () => this.client.apply(stamp(desired, epoch)));
    this.opts.written?.written(applied);
    const before = existing?.metadata?.resourceVersion;
    if (!existing) this.#logged("created", refOf(desired), epoch);
    else if (applied.metadata?.resourceVersion !== before)
      this.#logged("changed", refOf(desired), epoch);
    return applied;
  }

  /** Creates an object; resolves undefined when one of that name already exists (no overwrite). */
  async createIfAbsent<T extends KubeObject>(desired: T): Promise<T | undefined> {
    const epoch = this.#allowed();
    try {
      const created = await this.#send(epoch, () => this.client.create(stamp(desired, epoch)));
      this.opts.written?.written(created);
      this.#logged("created", refOf(desired), epoch);
      return created;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) return undefined;
      throw err;
    }
  }

  /**
   * Creates an object, or tells what holds its name: the object as the API server has it, read live
   * (a watch cache holds only our labelled children, so one that is not ours is seen only here), or
   * undefined when it went away in between. Nothing is overwritten.
   */
  async createOrRead<T extends KubeObject>(
    desired: T,
  ): Promise<{ created: T } | { existing: KubeObject | undefined }> {
    const created = await this.createIfAbsent(desired);
    if (created) return { created };
    const existing = await this.client.get(refOf(desired));
    if (existing) this.opts.written?.written(existing);
    return { existing };
  }

  /**
   * Deletes an object we stamped: first stamps it with our epoch (a fenced write), then deletes
   * exactly that version. A stale leader's stamp is refused; a delete of a version stamped by an
   * epoch the fence has passed is refused by the API server too. False when it was already gone.
   */
  async delete(
    existing: KubeObject,
    propagationPolicy: "Foreground" | "Background" = "Background",
  ): Promise<boolean> {
    const epoch = this.#allowed(existing);
    const ref = refOf(existing);
    const meta = existing.metadata ?? {};
    // Controllers update status all the time (a Job's, say), so the version we stamp may change before
    // the delete: stamp again and retry a few times. The stamp needs no precondition (it is fenced by
    // the API server itself); the delete must be of exactly the version we stamped.
    for (let attempt = 1; ; attempt++) {
      let stamped: KubeObject;
      try {
        stamped = await this.#send(epoch, () => this.client.mergePatch(ref, stamp({}, epoch)));
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
      this.opts.written?.written(stamped);
      try {
        const deleted = await this.#send(epoch, () =>
          this.client.delete(ref, {
            propagationPolicy,
            uid: meta.uid,
            resourceVersion: stamped.metadata?.resourceVersion,
          }),
        );
        if (deleted) this.#logged("deleted", ref, epoch);
        this.opts.written?.deleted(stamped);
        return deleted;
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 409) || attempt >= 5) throw err;
      }
    }
  }

  /** Server-side apply of a workload's status, stamped in status.leader.epoch. */
  async applyStatus(ref: ResourceRef, status: { leader?: object }): Promise<void> {
    const epoch = this.#allowed();
    const stamped = { ...status, leader: { ...status.leader, epoch } };
    const written = await this.#send(epoch, () =>
      this.client.applyStatus<KubeObject>(ref, stamped),
    );
    this.opts.written?.written(written);
    this.#logged("status", ref, epoch);
  }

  /**
   * JSON merge patch, stamped like every other write: a workload's finalizers, or a child's replicas
   * when it is stopped for deletion (`existing`, the child as read, so a later epoch's stamp wins).
   */
  async mergePatch(
    ref: ResourceRef,
    patch: { metadata?: object; spec?: object },
    existing?: KubeObject,
  ): Promise<void> {
    const epoch = this.#allowed(existing);
    const stamped = stamp({ ...patch, metadata: patch.metadata as Stampable | undefined }, epoch);
    const written = await this.#send(epoch, () => this.client.mergePatch<KubeObject>(ref, stamped));
    if (deletedByWrite(written)) this.opts.written?.gone(written);
    else this.opts.written?.written(written);
    this.#logged("changed", ref, epoch);
  }

  #logged(action: WriteAction, ref: ResourceRef, epoch: number): void {
    const log = this.opts.log;
    if (!log) return;
    const line = writeLogLine(action, ref, epoch);
    log[line.level](line.fields, line.msg);
  }

  /** Our epoch, unless the object we read was already stamped by a later one. */
  #allowed(existing?: KubeObject): number {
    const { epoch } = this.source.check();
    try {
      checkOverwrite(existing?.metadata?.annotations?.[EPOCH_ANNOTATION], epoch, this.opts.backend);
    } catch (err) {
      if (err instanceof FencedError) this.opts.onRefused?.(err);
      throw err;
    }
    return epoch;
  }

  async #send<T>(epoch: number, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (!isFenceRefusal(err)) throw err;
      const refused = new FenceRefusedError(epoch, (err as Error).message);
      metrics.fencingRejections.inc({ backend: this.opts.backend, source: "apiserver" });
      this.opts.onRefused?.(refused);
      throw refused;
    }
  }
}
