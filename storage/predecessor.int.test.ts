// Rolling upgrade from k8-highlander on a shared Redis, PostgreSQL or Spanner lock, against the real
// servers of the storage suite. No predecessor binary: `Predecessor` below drives each store the way
// the predecessor's storage code does (github.com/bhatti/k8-highlander c0e9602, pkg/storage/
// redis_storage.go, db_storage.go and spanner_storage.go: its record formats, its queries' conditions,
// its client-clock expiries, its deleting release), written here from reading that code.
import { randomBytes } from "node:crypto";
import { Spanner } from "@google-cloud/spanner";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LeaderElector } from "./elector";
import { createLockStore, type LockStoreConfig } from "./factory";
import { OLD_OWN_SPANNER_DDL, PREDECESSOR_SPANNER_DDL } from "./testing/spanner-ddl";
import { lockKeyFor, type LockRecord, type LockStore } from "./types";

/** What the predecessor does with its lock, per its storage backends. */
interface Predecessor {
  /** Its TryAcquireLock: true when it got (or already had) the lock. */
  acquire(id: string, ttlMs: number): Promise<boolean>;
  renew(id: string, ttlMs: number): Promise<boolean>;
  release(id: string): Promise<boolean>;
  /** Its GetLockValue: the live holder it sees, "" for none. Throws where it would error. */
  holder(): Promise<string>;
  close(): Promise<void>;
}

/** json.Marshal of its LockMetadata. */
function predecessorJson(id: string, cluster: string, ttlMs: number): string {
  const now = new Date();
  return JSON.stringify({
    value: id,
    clusterName: cluster,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    ttl: ttlMs * 1_000_000,
    version: now.getTime() * 1_000_000,
  });
}

function redisPredecessor(url: string, key: string): Predecessor {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  // Its renewal and release scripts: cjson-decode the value, compare `value`, then write or delete.
  const mine = `local v = redis.call('GET', KEYS[1])
    if not v then return 0 end
    local d = cjson.decode(v)
    if d.value ~= ARGV[1] then return 0 end`;
  return {
    acquire: async (id, ttlMs) =>
      (await client.set(key, predecessorJson(id, "old", ttlMs), "PX", ttlMs, "NX")) === "OK",
    renew: async (id, ttlMs) =>
      (await client.eval(
        `${mine} redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1`,
        1,
        key,
        id,
        predecessorJson(id, "old", ttlMs),
        String(ttlMs),
      )) === 1,
    release: async id =>
      (await client.eval(`${mine} redis.call('DEL', KEYS[1]) return 1`, 1, key, id)) === 1,
    holder: async () => {
      // GET, then json.Unmarshal into its LockMetadata (a WRONGTYPE here was the old clash).
      const raw = await client.get(key);
      if (raw === null) return "";
      const parsed = JSON.parse(raw) as { value: unknown; createdAt: unknown; ttl: unknown };
      // Go's time.Time and time.Duration fields must parse, or it falls back to its legacy format.
      if (typeof parsed.createdAt === "string" && Number.isNaN(Date.parse(parsed.createdAt)))
        throw new Error(`createdAt ${parsed.createdAt} is not RFC 3339`);
      if (parsed.ttl !== undefined && !Number.isInteger(parsed.ttl))
        throw new Error(`ttl ${String(parsed.ttl)} is not a Duration`);
      return String(parsed.value);
    },
    close: async () => void (await client.quit()),
  };
}

function postgresPredecessor(databaseUrl: string, table: string, key: string): Predecessor {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const live = async () =>
    (
      await pool.query<{ value: string }>(
        `SELECT * FROM ${table} WHERE key = $1 AND expires_at > $2`,
        [key, new Date()],
      )
    ).rows[0];
  return {
    async acquire(id, ttlMs) {
      const row = await live();
      if (row) return row.value === id;
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const now = new Date();
        await client.query(`DELETE FROM ${table} WHERE key = $1 AND expires_at <= $2`, [key, now]);
        await client.query(
          `INSERT INTO ${table} (key, value, cluster_name, metadata, created_at, updated_at,
             expires_at, version) VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`,
          [
            key,
            id,
            "old",
            predecessorJson(id, "old", ttlMs),
            now,
            new Date(now.getTime() + ttlMs),
            String(now.getTime() * 1_000_000),
          ],
        );
        await client.query("COMMIT");
        return true;
      } catch (err) {
        await client.query("ROLLBACK");
        if (/duplicate key/.test(String(err))) return false;
        throw err;
      } finally {
        client.release();
      }
    },
    async renew(id, ttlMs) {
      const now = new Date();
      const result = await pool.query(
        `UPDATE ${table} SET updated_at = $3, expires_at = $4, version = version + 1
          WHERE key = $1 AND value = $2`,
        [key, id, now, new Date(now.getTime() + ttlMs)],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async release(id) {
      const result = await pool.query(`DELETE FROM ${table} WHERE key = $1 AND value = $2`, [
        key,
        id,
      ]);
      return (result.rowCount ?? 0) > 0;
    },
    holder: async () => (await live())?.value ?? "",
    close: () => pool.end(),
  };
}

function spannerPredecessor(
  spanner: Spanner,
  instanceId: string,
  databaseId: string,
  key: string,
): Predecessor {
  const database = spanner.instance(instanceId).database(databaseId);
  // (LockVersion, a nanosecond count, does not fit a JavaScript number: not selected here.)
  const LIVE = `SELECT LockValue, ClusterName, ExpiresAt, CreatedAt, UpdatedAt
    FROM LeaderLocks WHERE LockKey = @key AND ExpiresAt > CURRENT_TIMESTAMP()`;
  return {
    acquire: (id, ttlMs) =>
      database.runTransactionAsync(async tx => {
        const [rows] = await tx.run({ sql: LIVE, params: { key }, json: true });
        const row = rows[0] as { LockValue: string } | undefined;
        if (row) {
          await tx.rollback();
          return row.LockValue === id;
        }
        await tx.runUpdate({
          sql: "DELETE FROM LeaderLocks WHERE LockKey = @key AND ExpiresAt <= CURRENT_TIMESTAMP()",
          params: { key },
        });
        const now = Date.now();
        tx.insert("LeaderLocks", {
          LockKey: key,
          LockValue: id,
          ClusterName: "old",
          MetadataJson: predecessorJson(id, "old", ttlMs),
          CreatedAt: Spanner.COMMIT_TIMESTAMP,
          UpdatedAt: Spanner.COMMIT_TIMESTAMP,
          ExpiresAt: new Date(now + ttlMs),
          LockVersion: Spanner.int(String(now * 1_000_000)),
        });
        await tx.commit();
        return true;
      }),
    renew: (id, ttlMs) =>
      database.runTransactionAsync(async tx => {
        const [rows] = await tx.run({
          sql: `${LIVE} AND LockValue = @id`,
          params: { key, id },
          json: true,
        });
        if (!rows[0]) {
          await tx.rollback();
          return false;
        }
        tx.update("LeaderLocks", {
          LockKey: key,
          UpdatedAt: Spanner.COMMIT_TIMESTAMP,
          ExpiresAt: new Date(Date.now() + ttlMs),
        });
        await tx.commit();
        return true;
      }),
    release: id =>
      database.runTransactionAsync(async tx => {
        const [rows] = await tx.run({
          sql: "SELECT LockValue FROM LeaderLocks WHERE LockKey = @key",
          params: { key },
          json: true,
        });
        const value = (rows[0] as { LockValue: string } | undefined)?.LockValue ?? "";
        if (value === "" || value !== id) {
          await tx.rollback();
          return false;
        }
        tx.deleteRows("LeaderLocks", [key]);
        await tx.commit();
        return true;
      }),
    holder: async () => {
      const [rows] = await database.run({ sql: LIVE, params: { key }, json: true });
      return (rows[0] as { LockValue: string } | undefined)?.LockValue ?? "";
    },
    close: async () => {},
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const freshKey = (label: string) => lockKeyFor(`${label}-${randomBytes(4).toString("hex")}`);

const redisUrl = inject("redisUrl");
const databaseUrl = inject("databaseUrl");
const emulatorHost = inject("spannerEmulatorHost");
process.env.SPANNER_EMULATOR_HOST = emulatorHost;
const SPANNER = { projectId: "highlander-predecessor", instanceId: "pred-instance" };
let spannerClient: Spanner | undefined;
const spanner = () => (spannerClient ??= new Spanner({ projectId: SPANNER.projectId }));

/** A database of its own on the emulator's instance, with a LeaderLocks table as `ddl` makes it. */
async function spannerDatabase(prefix: string, ddl: string): Promise<string> {
  const databaseId = `${prefix}-${randomBytes(3).toString("hex")}`;
  const [, op] = await spanner()
    .instance(SPANNER.instanceId)
    .createDatabase(databaseId, {
      schema: [ddl],
    });
  await op.promise();
  return databaseId;
}

/**
 * The predecessor releases; we take the lock, renew it (the predecessor sees us hold it), release
 * it, take it again with the next epoch and release it. Resolves our first record.
 */
async function takeOverAndHandBack(
  store: LockStore,
  old: Predecessor,
  key: string,
): Promise<LockRecord> {
  expect(await old.release("k8h-controller-1")).toBe(true);
  const req = { holderId: "hl-a", clusterName: "new", leaseDurationMs: 3000 };
  const first = await store.tryAcquire(key, req);
  if (!first.acquired) throw new Error("not acquired");
  expect(await store.renew(key, "hl-a", first.record.epoch, 3000)).toBeDefined();
  expect(await old.holder()).toBe("hl-a");
  expect(await store.release(key, "hl-a", first.record.epoch)).toBe(true);
  const second = await store.tryAcquire(key, req);
  expect(second.acquired && second.record.epoch).toBe(first.record.epoch + 1);
  if (second.acquired) await store.release(key, "hl-a", second.record.epoch);
  return first.record;
}

interface Backend {
  name: string;
  config: LockStoreConfig;
  predecessor(key: string): Predecessor;
  /** Elector timing (the emulator runs one transaction at a time: give it room). */
  timing: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  /** Whether our released record stays until its lease runs out before it can SETNX (Redis). */
  releaseKeepsKey: boolean;
}

const fast = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 };
const backends: Backend[] = [
  {
    name: "redis",
    config: { type: "redis", url: redisUrl },
    predecessor: key => redisPredecessor(redisUrl, key),
    timing: fast,
    releaseKeepsKey: true,
  },
  {
    name: "postgres",
    config: { type: "db", databaseUrl },
    predecessor: key => postgresPredecessor(databaseUrl, "leader_locks", key),
    timing: fast,
    releaseKeepsKey: false,
  },
  {
    name: "spanner",
    config: {
      type: "spanner",
      ...SPANNER,
      databaseId: "pred-shared",
      emulatorHost,
      createIfMissing: true,
    },
    predecessor: key => spannerPredecessor(spanner(), SPANNER.instanceId, "pred-shared", key),
    timing: { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryPeriodMs: 500 },
    releaseKeepsKey: false,
  },
];

describe.each(backends)("rolling upgrade from the predecessor on $name", backend => {
  const closers: (() => Promise<void>)[] = [];
  const open = async (): Promise<LockStore> => {
    const store = await createLockStore(backend.config);
    closers.push(() => store.close());
    return store;
  };
  const predecessor = (key: string) => {
    const p = backend.predecessor(key);
    closers.push(() => p.close());
    return p;
  };
  /** Our elector ("hl-a", cluster "new") on `key`, started; startedAt() is when it began leading. */
  const startElector = (store: LockStore, key: string) => {
    let startedAt = 0;
    const elector = new LeaderElector({
      store,
      key,
      identity: "hl-a",
      clusterName: "new",
      ...backend.timing,
      onStartedLeading: () => (startedAt = Date.now()),
    });
    elector.start();
    return { elector, startedAt: () => startedAt };
  };

  beforeAll(async () => {
    const store = await open();
    await store.get(freshKey("warmup")); // creates the Spanner instance, database and table
  });

  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  });

  it(`${backend.name}: the predecessor's live lock is a foreign holder (no error), never taken`, async () => {
    const key = freshKey("held");
    const store = await open();
    const old = predecessor(key);
    expect(await old.acquire("k8h-controller-1", 100_000)).toBe(true);
    const record = await store.get(key);
    expect(record).toMatchObject({ holderId: "k8h-controller-1", epoch: 0, predecessor: true });
    expect(record!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 90_000);
    const attempt = await store.tryAcquire(key, {
      holderId: "hl-a",
      clusterName: "new",
      leaseDurationMs: 3000,
    });
    expect(attempt.acquired).toBe(false);
    expect(!attempt.acquired && attempt.current?.holderId).toBe("k8h-controller-1");
    expect(await store.renew(key, "hl-a", 1, 3000)).toBeUndefined();
    expect(await store.release(key, "hl-a", 1)).toBe(false);
    expect(await old.renew("k8h-controller-1", 100_000)).toBe(true);
    expect(await old.holder()).toBe("k8h-controller-1");
  });

  it(`${backend.name}: an elector takes over within a retry period of the predecessor's release, and the predecessor sees it as taken`, async () => {
    const key = freshKey("handover");
    const store = await open();
    const old = predecessor(key);
    expect(await old.acquire("k8h-controller-1", 100_000)).toBe(true);
    const { elector, startedAt } = startElector(store, key);
    try {
      await sleep(backend.timing.leaseDurationMs + 500);
      expect(elector.isLeader()).toBe(false);
      const released = Date.now();
      expect(await old.release("k8h-controller-1")).toBe(true);
      await eventually("the elector leads", async () => elector.isLeader(), 10_000);
      // Not the predecessor's 100 s TTL, nor our own lease: the next look at the lock.
      expect(startedAt() - released).toBeLessThan(backend.timing.retryPeriodMs * 1.2 + 1500);
      expect(await old.holder()).toBe("hl-a");
      expect(await old.acquire("k8h-controller-1", 100_000)).toBe(false);
      expect(await old.renew("k8h-controller-1", 100_000)).toBe(false);
      expect(await old.release("k8h-controller-1")).toBe(false);
      expect((await store.get(key))?.holderId).toBe("hl-a");
      expect(elector.isLeader()).toBe(true);
    } finally {
      await elector.stop();
    }
  });

  it(`${backend.name}: an elector takes over within a retry period of the predecessor's lease running out unrenewed`, async () => {
    const key = freshKey("expiry");
    const store = await open();
    const old = predecessor(key);
    const ttlMs = 2000;
    const t0 = Date.now();
    expect(await old.acquire("k8h-crashed", ttlMs)).toBe(true);
    const req = { holderId: "hl-a", clusterName: "new", leaseDurationMs: 3000 };
    expect((await store.tryAcquire(key, req)).acquired).toBe(false);
    const { elector, startedAt } = startElector(store, key);
    try {
      await eventually("the elector leads", async () => elector.isLeader(), 15_000);
      expect(startedAt() - t0).toBeGreaterThanOrEqual(ttlMs - 100);
      // Not its lease after our first look (the predecessor's 100 s in real life): the next look.
      expect(startedAt() - t0).toBeLessThan(ttlMs + backend.timing.retryPeriodMs * 1.2 + 1500);
      expect(await old.holder()).toBe("hl-a");
    } finally {
      await elector.stop();
    }
  });

  it(`${backend.name}: after our release the predecessor can take the lock, and we read it as foreign again`, async () => {
    const key = freshKey("rollback");
    const store = await open();
    const old = predecessor(key);
    const leaseMs = 1500;
    const got = await store.tryAcquire(key, {
      holderId: "hl-a",
      clusterName: "new",
      leaseDurationMs: leaseMs,
    });
    if (!got.acquired) throw new Error("not acquired");
    expect(await old.holder()).toBe("hl-a");
    expect(await old.acquire("k8h-controller-1", 100_000)).toBe(false);
    expect(await store.release(key, "hl-a", got.record.epoch)).toBe(true);
    const t0 = Date.now();
    await eventually(
      "the predecessor's lock",
      () => old.acquire("k8h-controller-1", 100_000),
      5000,
    );
    // Redis keeps our released record until its lease runs out (the predecessor can only SETNX).
    if (!backend.releaseKeepsKey) expect(Date.now() - t0).toBeLessThan(1000);
    expect(await store.get(key)).toMatchObject({ holderId: "k8h-controller-1", predecessor: true });
    const again = await store.tryAcquire(key, {
      holderId: "hl-a",
      clusterName: "new",
      leaseDurationMs: leaseMs,
    });
    expect(again.acquired).toBe(false);
  });
});

describe("redis: our record in the predecessor's format", () => {
  let store: LockStore;
  let client: Redis;
  beforeAll(async () => {
    store = await createLockStore({ type: "redis", url: redisUrl });
    client = new Redis(redisUrl);
  });
  afterAll(async () => {
    await store.close();
    await client.quit();
  });

  it("is a string key whose JSON carries its fields with their Go types, and the server's TTL", async () => {
    const key = freshKey("format");
    const got = await store.tryAcquire(key, {
      holderId: "hl-a",
      clusterName: "c1",
      leaseDurationMs: 3000,
      metadata: { pod: "p" },
    });
    if (!got.acquired) throw new Error("not acquired");
    expect(await client.type(key)).toBe("string");
    const json = JSON.parse((await client.get(key))!) as Record<string, unknown>;
    const acquiredIso = got.record.acquiredAt.toISOString();
    expect(json).toMatchObject({
      value: "hl-a",
      clusterName: "c1",
      epoch: got.record.epoch,
      createdAt: acquiredIso,
      updatedAt: acquiredIso,
      expiresAt: got.record.expiresAt.toISOString(),
      ttl: 3_000_000_000,
      version: expect.any(Number) as number,
    });
    expect(await client.pttl(key)).toBeGreaterThan(2000);
    const renewed = await store.renew(key, "hl-a", got.record.epoch, 3000);
    expect(renewed?.metadata).toEqual({ pod: "p" });
    const after = JSON.parse((await client.get(key))!) as Record<string, unknown>;
    expect(after.createdAt).toBe(acquiredIso);
    expect(after.updatedAt).toBe(renewed!.renewedAt.toISOString());
  });

  it("reads, renews and releases a record an earlier Highlander wrote as a hash", async () => {
    const key = freshKey("hash");
    const now = Date.now();
    await client.hset(key, {
      holder: "hl-old",
      cluster: "c",
      epoch: "4",
      acquired: String(now),
      renewed: String(now),
      expires: String(now + 5000),
      metadata: "{}",
    });
    await client.pexpire(key, 5000);
    await client.set(`${key}:epoch`, "4");
    expect(await store.get(key)).toMatchObject({ holderId: "hl-old", epoch: 4 });
    expect(await store.renew(key, "hl-old", 4, 5000)).toMatchObject({ holderId: "hl-old" });
    expect(await client.type(key)).toBe("string");
    expect(await store.release(key, "hl-old", 4)).toBe(true);
    const next = await store.tryAcquire(key, {
      holderId: "hl-new",
      clusterName: "c",
      leaseDurationMs: 3000,
    });
    expect(next.acquired && next.record.epoch).toBe(5);
  });
});

describe("tables the predecessor created", () => {
  it("postgres: its GORM table gets our columns; both keep working on it", async () => {
    const table = `pred_locks_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      // GORM AutoMigrate of its LeaderLock model on PostgreSQL.
      await admin.query(`CREATE TABLE "${table}" ("key" text, "value" text, "cluster_name" text,
        "metadata" text, "created_at" timestamptz, "updated_at" timestamptz,
        "expires_at" timestamptz, "version" bigint, PRIMARY KEY ("key"))`);
      const key = freshKey("gorm");
      const old = postgresPredecessor(databaseUrl, table, key);
      const store = await createLockStore({ type: "db", databaseUrl, table });
      try {
        expect(await old.acquire("k8h-controller-1", 100_000)).toBe(true);
        expect(await store.get(key)).toMatchObject({
          holderId: "k8h-controller-1",
          predecessor: true,
        });
        expect((await takeOverAndHandBack(store, old, key)).metadata).toEqual({});
        // (Within the same millisecond as our release its client-clock query still sees a live row.)
        await eventually("its lock", () => old.acquire("k8h-controller-2", 100_000), 2000);
      } finally {
        await store.close();
        await old.close();
      }
    } finally {
      await admin.query(`DROP TABLE IF EXISTS "${table}"`);
      await admin.end();
    }
  });

  it("spanner: its LeaderLocks (its documented DDL) gets our columns; both keep working on it", async () => {
    // The instance exists: the rolling-upgrade suite above created it.
    const databaseId = await spannerDatabase("pred-first", PREDECESSOR_SPANNER_DDL);
    const key = freshKey("ddl");
    const old = spannerPredecessor(spanner(), SPANNER.instanceId, databaseId, key);
    expect(await old.acquire("k8h-controller-1", 100_000)).toBe(true);
    const store = await createLockStore({
      type: "spanner",
      ...SPANNER,
      databaseId,
      emulatorHost,
    });
    try {
      expect(await store.get(key)).toMatchObject({
        holderId: "k8h-controller-1",
        epoch: 0,
        predecessor: true,
      });
      await takeOverAndHandBack(store, old, key);
      expect(await old.acquire("k8h-controller-2", 100_000)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("spanner: our table from before this release is opened to the predecessor's inserts", async () => {
    const databaseId = await spannerDatabase("pred-old", OLD_OWN_SPANNER_DDL);
    const key = freshKey("old-ddl");
    const old = spannerPredecessor(spanner(), SPANNER.instanceId, databaseId, key);
    // Before the migration its insert (commit timestamps, no AcquiredAt/Epoch) is refused.
    await expect(old.acquire("k8h-controller-1", 100_000)).rejects.toThrow();
    const store = await createLockStore({ type: "spanner", ...SPANNER, databaseId, emulatorHost });
    try {
      expect(await store.get(key)).toBeUndefined(); // runs the migration
      expect(await old.acquire("k8h-controller-1", 100_000)).toBe(true);
      expect(await store.get(key)).toMatchObject({ holderId: "k8h-controller-1", epoch: 0 });
    } finally {
      await store.close();
    }
  });

  afterAll(() => {
    spannerClient?.close();
  });
});
