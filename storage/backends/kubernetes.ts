// Kubernetes Lease backend (coordination.k8s.io/v1), the default. Writes are compare-and-swap on
// metadata.resourceVersion: a replace carrying the version we read fails with 409 Conflict when anyone
// wrote in between, so of several racers exactly one wins.
//
// Expiry: the API server keeps no lease clock. As in client-go, a candidate takes over only after it
// has watched the record stay unchanged for a full leaseDurationSeconds on its OWN monotonic clock.
// Wall-clock timestamps (renewTime) are written for humans and never compared across processes, so
// clock skew between candidates cannot break mutual exclusion; only clock *rate* matters, and the
// elector's renewDeadline < leaseDuration leaves margin for that.
import { readFileSync } from "node:fs";
import { CoordinationV1Api, KubeConfig, V1MicroTime, type V1Lease } from "@kubernetes/client-node";
import { systemClock, type Clock } from "../clock";
import { parseMetadata, toInt } from "../record";
import type { AcquireRequest, AcquireResult, LockRecord, LockStore } from "../types";
import { leaseNameFor } from "./lease-name";

import { EPOCH_ANNOTATION } from "../guard";
const CLUSTER_ANNOTATION = "highlander.plexobject.io/cluster-name";
const METADATA_ANNOTATION = "highlander.plexobject.io/metadata";
const LOCK_KEY_ANNOTATION = "highlander.plexobject.io/lock-key";

export interface KubernetesLockStoreConfig {
  type: "kubernetes";
  /** Path of a kubeconfig; default: $KUBECONFIG, ~/.kube/config, then the in-cluster account. */
  kubeconfig?: string;
  /** Namespace of the Leases; default: $POD_NAMESPACE, the in-cluster namespace, or "default". */
  namespace?: string;
  /** Injected clock (tests skew it); the monotonic part judges expiry. */
  clock?: Clock;
}

const SA_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

function defaultNamespace(): string {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync(SA_NAMESPACE, "utf8").trim() || "default";
  } catch {
    return "default";
  }
}

function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === "number") return e.code;
  if (typeof e.statusCode === "number") return e.statusCode;
  return undefined;
}

/** What this candidate last saw of a Lease, and when (monotonic), per client-go. */
interface Observation {
  resourceVersion: string;
  atMs: number;
}

export class KubernetesLockStore implements LockStore {
  readonly backend = "kubernetes" as const;
  readonly namespace: string;
  private readonly api: CoordinationV1Api;
  private readonly clock: Clock;
  private readonly observed = new Map<string, Observation>();
  /**
   * The Lease as this process last wrote it while holding it. Renewals and the release write on that
   * copy (one request instead of a read and a write); the compare-and-swap on its resourceVersion
   * catches any write in between, and then a fresh read decides.
   */
  private readonly ours = new Map<string, V1Lease>();
  /** The Lease the last get() returned, for an acquisition made on it (AcquireRequest.onLastRead). */
  private readonly lastRead = new Map<string, V1Lease>();

  constructor(config: KubernetesLockStoreConfig) {
    const kc = new KubeConfig();
    if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
    else kc.loadFromDefault();
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.namespace = config.namespace ?? defaultNamespace();
    this.clock = config.clock ?? systemClock;
  }

  private async read(name: string): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name, namespace: this.namespace });
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  /** Replace with optimistic concurrency; undefined when someone else wrote first (409). */
  private async replace(name: string, body: V1Lease): Promise<V1Lease | undefined> {
    try {
      return await this.api.replaceNamespacedLease({ name, namespace: this.namespace, body });
    } catch (err) {
      if (statusOf(err) === 409) return undefined;
      throw err;
    }
  }

  private observe(key: string, lease: V1Lease): Observation {
    const rv = lease.metadata?.resourceVersion ?? "";
    const seen = this.observed.get(key);
    if (seen && seen.resourceVersion === rv) return seen;
    const fresh = { resourceVersion: rv, atMs: this.clock.monotonicMs() };
    this.observed.set(key, fresh);
    return fresh;
  }

  private wallNow(): V1MicroTime {
    return new V1MicroTime(this.clock.wallMs());
  }

  async tryAcquire(key: string, req: AcquireRequest): Promise<AcquireResult> {
    const name = leaseNameFor(key);
    const seconds = Math.max(1, Math.ceil(req.leaseDurationMs / 1000));
    const last = this.lastRead.get(key);
    this.lastRead.delete(key);
    const existing = req.onLastRead && last ? last : await this.read(name);
    const now = this.wallNow();
    if (!existing) {
      const body: V1Lease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: {
          name,
          namespace: this.namespace,
          annotations: this.annotations(key, 1, req),
        },
        spec: {
          holderIdentity: req.holderId,
          leaseDurationSeconds: seconds,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: 0,
        },
      };
      try {
        const created = await this.api.createNamespacedLease({ namespace: this.namespace, body });
        this.ours.set(key, created);
        this.observe(key, created);
        return { acquired: true, record: toRecord(created) };
      } catch (err) {
        if (statusOf(err) === 409) return { acquired: false, current: await this.get(key) };
        throw err;
      }
    }
    const current = toRecord(existing);
    const seen = this.observe(key, existing);
    const durationMs = (existing.spec?.leaseDurationSeconds ?? seconds) * 1000;
    const free = current.holderId === "" || current.holderId === req.holderId;
    const expired = this.clock.monotonicMs() - seen.atMs >= durationMs;
    if (!free && !expired) return { acquired: false, current };
    const body: V1Lease = {
      ...existing,
      metadata: {
        ...existing.metadata,
        annotations: {
          ...existing.metadata?.annotations,
          ...this.annotations(key, current.epoch + 1, req),
        },
      },
      spec: {
        ...existing.spec,
        holderIdentity: req.holderId,
        leaseDurationSeconds: seconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions:
          (existing.spec?.leaseTransitions ?? 0) + (current.holderId === req.holderId ? 0 : 1),
      },
    };
    const written = await this.replace(name, body);
    if (!written) return { acquired: false, current: await this.get(key) };
    this.ours.set(key, written);
    this.observe(key, written);
    return { acquired: true, record: toRecord(written), previous: current };
  }

  async renew(
    key: string,
    holderId: string,
    epoch: number,
    leaseDurationMs: number,
  ): Promise<LockRecord | undefined> {
    const name = leaseNameFor(key);
    const renewed = (lease: V1Lease): V1Lease => ({
      ...lease,
      spec: {
        ...lease.spec,
        leaseDurationSeconds: Math.max(1, Math.ceil(leaseDurationMs / 1000)),
        renewTime: this.wallNow(),
      },
    });
    const mine = this.ours.get(key);
    if (mine && holds(mine, holderId, epoch)) {
      const written = await this.replace(name, renewed(mine));
      if (written) return this.wrote(key, written);
    }
    const existing = await this.read(name);
    if (!existing || !holds(existing, holderId, epoch)) {
      this.ours.delete(key);
      return undefined;
    }
    const written = await this.replace(name, renewed(existing));
    if (!written) return undefined;
    return this.wrote(key, written);
  }

  private wrote(key: string, lease: V1Lease): LockRecord {
    this.ours.set(key, lease);
    this.observe(key, lease);
    return toRecord(lease);
  }

  async release(key: string, holderId: string, epoch: number): Promise<boolean> {
    const name = leaseNameFor(key);
    // A renewal of ours still on the wire can bump the version under us: re-read and retry then.
    // The first attempt writes on our own last copy (one request), the others on a fresh read.
    const mine = this.ours.get(key);
    this.ours.delete(key);
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = attempt === 0 && mine ? mine : await this.read(name);
      if (!existing) return false;
      if (!holds(existing, holderId, epoch)) {
        if (existing === mine) continue;
        return false;
      }
      // Like client-go: clear the holder (the epoch annotation stays, so epochs keep growing).
      const written = await this.replace(name, {
        ...existing,
        spec: {
          ...existing.spec,
          holderIdentity: "",
          leaseDurationSeconds: 1,
          renewTime: this.wallNow(),
        },
      });
      if (written) {
        this.observe(key, written);
        return true;
      }
    }
    return false;
  }

  async get(key: string): Promise<LockRecord | undefined> {
    const lease = await this.read(leaseNameFor(key));
    if (!lease) {
      this.lastRead.delete(key);
      return undefined;
    }
    this.lastRead.set(key, lease);
    this.observe(key, lease);
    return toRecord(lease);
  }

  private annotations(key: string, epoch: number, req: AcquireRequest): Record<string, string> {
    return {
      [EPOCH_ANNOTATION]: String(epoch),
      [CLUSTER_ANNOTATION]: req.clusterName,
      [METADATA_ANNOTATION]: JSON.stringify(req.metadata ?? {}),
      [LOCK_KEY_ANNOTATION]: key,
    };
  }

  async close(): Promise<void> {
    this.observed.clear();
    this.ours.clear();
    this.lastRead.clear();
  }
}

/** Is the Lease held by exactly (holderId, epoch)? */
function holds(lease: V1Lease, holderId: string, epoch: number): boolean {
  const record = toRecord(lease);
  return record.holderId === holderId && record.epoch === epoch;
}

function toRecord(lease: V1Lease): LockRecord {
  const annotations = lease.metadata?.annotations ?? {};
  const spec = lease.spec ?? {};
  const renewed = spec.renewTime ? new Date(spec.renewTime) : new Date(0);
  return {
    holderId: spec.holderIdentity ?? "",
    clusterName: annotations[CLUSTER_ANNOTATION] ?? "",
    epoch: annotations[EPOCH_ANNOTATION] ? toInt(annotations[EPOCH_ANNOTATION], "epoch") : 0,
    acquiredAt: spec.acquireTime ? new Date(spec.acquireTime) : new Date(0),
    renewedAt: renewed,
    expiresAt: new Date(renewed.getTime() + (spec.leaseDurationSeconds ?? 0) * 1000),
    metadata: parseMetadata(annotations[METADATA_ANNOTATION] ?? ""),
  };
}
