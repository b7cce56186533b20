// Lock records written by the predecessor, k8-highlander, on a lock store we share with it during a
// rolling upgrade. It has no epochs and judges expiry by its own clock; we read its records as a
// foreign holder (never an error) and it reads ours as taken. The formats, from its source
// (github.com/bhatti/k8-highlander, pkg/storage, commit c0e9602):
//   - Redis: a string key holding the JSON of its LockMetadata ({"value": holder, "clusterName",
//     "createdAt", "updatedAt", "expiresAt" (RFC 3339), "ttl" (nanoseconds), "version"}), set with
//     SET NX PX; renewal rewrites it; release deletes the key. Its oldest format was the bare holder id.
//   - PostgreSQL `leader_locks` and Spanner `LeaderLocks`: the same JSON in `metadata` /
//     `MetadataJson`, no epoch; release and its expiry clean-up delete the row.
import type { LockRecord } from "./types";
import { parseMetadata } from "./record";

type Json = Record<string, unknown>;

function asObject(raw: unknown): Json | undefined {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

/** True when a metadata column holds the predecessor's LockMetadata JSON (value + numeric ttl). */
export function isPredecessorMetadata(raw: unknown): boolean {
  const o = asObject(raw);
  return o !== undefined && typeof o.value === "string" && typeof o.ttl === "number";
}

function dateOf(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  // Go's zero time (0001-01-01) means "not set".
  return Number.isNaN(ms) || ms <= 0 ? undefined : new Date(ms);
}

/** Largest Date JavaScript can hold: a key without expiry never expires. */
const NEVER = new Date(8.64e15);

/**
 * The record of a Redis lock key, whatever wrote it. `raw` is the key's string value (our JSON, the
 * predecessor's JSON, or its oldest bare-holder format), `nowMs` the server's clock and `pttlMs` the
 * key's remaining time to live (-1: none), both read in the same script as the value.
 */
export function decodeRedisLock(
  raw: string | null,
  nowMs: number,
  pttlMs: number,
): LockRecord | undefined {
  if (raw === null) return undefined;
  const o = asObject(raw);
  const expiresAt = pttlMs >= 0 ? new Date(nowMs + pttlMs) : NEVER;
  if (
    o &&
    typeof o.epoch === "number" &&
    typeof o.acquiredMs === "number" &&
    typeof o.renewedMs === "number"
  ) {
    return {
      holderId: typeof o.value === "string" ? o.value : "",
      clusterName: typeof o.clusterName === "string" ? o.clusterName : "",
      epoch: o.epoch,
      acquiredAt: new Date(o.acquiredMs),
      renewedAt: new Date(o.renewedMs),
      expiresAt: typeof o.expiresMs === "number" ? new Date(o.expiresMs) : expiresAt,
      metadata: parseMetadata(o.metadata),
    };
  }
  // The predecessor's. Its renewal time comes from its own record, so it stays the same between
  // reads until it renews (the elector watches it for changes); expiry is the key's server TTL.
  const holderId = o ? (typeof o.value === "string" ? o.value : "") : raw;
  const renewedAt = (o && (dateOf(o.updatedAt) ?? dateOf(o.createdAt))) ?? new Date(0);
  return {
    holderId,
    clusterName: o && typeof o.clusterName === "string" ? o.clusterName : "",
    epoch: 0,
    acquiredAt: (o && dateOf(o.createdAt)) ?? renewedAt,
    renewedAt,
    expiresAt,
    metadata: {},
    predecessor: true,
  };
}
