import { describe, expect, it } from "vitest";
import { decodeRedisLock, isPredecessorMetadata } from "./predecessor";

// The predecessor's Redis value: json.Marshal of its LockMetadata (k8-highlander c0e9602,
// pkg/storage/storage.go and redis_storage.go): RFC 3339 times with nanoseconds, ttl in nanoseconds.
const PREDECESSOR_JSON = JSON.stringify({
  value: "controller-1",
  clusterName: "primary",
  createdAt: "2026-12-06T22:00:00.123456789Z",
  updatedAt: "2026-12-06T22:01:40.5Z",
  expiresAt: "2026-12-06T22:03:20.5Z",
  ttl: 100_000_000_000,
  version: 1765058400123456000, // a nanosecond count (a JavaScript number rounds it)
});

describe("decodeRedisLock", () => {
  const now = Date.parse("2026-12-06T22:02:00Z");

  it("reads the predecessor's JSON as a foreign holder: no epoch, its own times, the server's expiry", () => {
    const record = decodeRedisLock(PREDECESSOR_JSON, now, 80_000);
    expect(record).toEqual({
      holderId: "controller-1",
      clusterName: "primary",
      epoch: 0,
      acquiredAt: new Date("2026-12-06T22:00:00.123Z"),
      renewedAt: new Date("2026-12-06T22:01:40.500Z"),
      expiresAt: new Date(now + 80_000),
      metadata: {},
      predecessor: true,
    });
  });

  it("reads its oldest format, the bare holder id", () => {
    const record = decodeRedisLock("controller-2", now, 5000);
    expect(record).toMatchObject({ holderId: "controller-2", epoch: 0, predecessor: true });
    expect(record?.expiresAt).toEqual(new Date(now + 5000));
    // Stable between reads (the elector watches renewedAt for changes).
    expect(decodeRedisLock("controller-2", now + 1000, 4000)?.renewedAt).toEqual(record?.renewedAt);
  });

  it("reads ours, which carries the predecessor's fields too", () => {
    const raw = JSON.stringify({
      value: "hl-a",
      clusterName: "c",
      epoch: 7,
      version: 9,
      acquiredMs: 1000,
      renewedMs: 2000,
      expiresMs: 5000,
      metadata: '{"pod":"p"}',
      createdAt: "1970-01-01T00:00:01.000Z",
      updatedAt: "1970-01-01T00:00:02.000Z",
      expiresAt: "1970-01-01T00:00:05.000Z",
      ttl: 3_000_000_000,
    });
    const record = decodeRedisLock(raw, 2500, 2500);
    expect(record).toEqual({
      holderId: "hl-a",
      clusterName: "c",
      epoch: 7,
      acquiredAt: new Date(1000),
      renewedAt: new Date(2000),
      expiresAt: new Date(5000),
      metadata: { pod: "p" },
    });
    expect(isPredecessorMetadata(raw)).toBe(true); // it parses as the predecessor's on purpose
  });

  it("no value is no record; a key without expiry never expires", () => {
    expect(decodeRedisLock(null, now, -2)).toBeUndefined();
    expect(decodeRedisLock("x", now, -1)?.expiresAt.getTime()).toBe(8.64e15);
  });
});

describe("isPredecessorMetadata", () => {
  it("tells the predecessor's lock JSON from our metadata maps", () => {
    expect(isPredecessorMetadata(PREDECESSOR_JSON)).toBe(true);
    expect(isPredecessorMetadata(JSON.parse(PREDECESSOR_JSON))).toBe(true);
    expect(isPredecessorMetadata('{"test":"contract"}')).toBe(false);
    expect(isPredecessorMetadata('{"value":"x","ttl":"3s"}')).toBe(false);
    expect(isPredecessorMetadata("not json")).toBe(false);
    expect(isPredecessorMetadata(null)).toBe(false);
  });
});
