// Redis backend. Every operation is one Lua script, so check-and-set runs atomically on the server;
// the lease expiry is the key's own PX TTL (server clock), and epochs come from a separate counter
// key that never expires, so a new acquisition outnumbers every earlier one even after the lock key
// itself expired or was released.
import type { Redis, RedisOptions } from "ioredis";
import { loadDriver } from "../driver";
import type { ConnectionOptions } from "node:tls";
import { parseMetadata, toDate, toInt } from "../record";
import type { AcquireRequest, AcquireResult, LockRecord, LockStore } from "../types";

export interface RedisLockStoreConfig {
  type: "redis";
  /** redis:// or rediss:// URL; `addr` (host:port, the predecessor's form) is used when absent. */
  url?: string;
  addr?: string;
  password?: string;
  db?: number;
  /** true, or Node TLS options, to speak TLS (also implied by a rediss:// URL). */
  tls?: boolean | ConnectionOptions;
  /** How long one command may take before it fails (default 2000 ms). */
  commandTimeoutMs?: number;
}

const FIELDS = "'holder','cluster','epoch','acquired','renewed','expires','metadata'";

const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function fmt(n) return string.format('%.0f', n) end
local function read(key) return redis.call('HMGET', key, ${FIELDS}) end
local function append(out, rec) for i = 1, 7 do out[#out + 1] = rec[i] end return out end
`;

// KEYS: lock, epoch counter. ARGV: holder, cluster, ttlMs, metadata JSON.
// Returns {1, new record(7), previous record(7)} or {0, current record(7)}.
const ACQUIRE = `${PRELUDE}
local cur = read(KEYS[1])
if cur[1] and cur[1] ~= '' and cur[1] ~= ARGV[1] then return append({0}, cur) end
local epoch = redis.call('INCR', KEYS[2])
local floor = tonumber(cur[3] or '0') or 0
if epoch <= floor then
  -- The counter was lost (a server without persistence restarted) but a record survived: never reuse.
  epoch = floor + 1
  redis.call('SET', KEYS[2], fmt(epoch))
end
local now = now_ms()
local ttl = tonumber(ARGV[3])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'cluster', ARGV[2], 'epoch', fmt(epoch),
  'acquired', fmt(now), 'renewed', fmt(now), 'expires', fmt(now + ttl), 'metadata', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ttl)
return append(append({1}, read(KEYS[1])), cur)
`;

// KEYS: lock. ARGV: holder, epoch, ttlMs. Returns {1, record(7)} or {0}.
const RENEW = `${PRELUDE}
local cur = read(KEYS[1])
if cur[1] ~= ARGV[1] or cur[3] ~= ARGV[2] then return {0} end
local now = now_ms()
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'renewed', fmt(now), 'expires', fmt(now + ttl))
redis.call('PEXPIRE', KEYS[1], ttl)
return append({1}, read(KEYS[1]))
`;

// KEYS: lock. ARGV: holder, epoch. Returns 1 when released, 0 when not ours.
// The record stays, holder cleared (as the other backends do), until its TTL runs out: a standby
// can tell a release (take it now) from a lease that ran out (wait until it has watched a whole
// lease go by), and the epoch stays readable.
const RELEASE = `
local cur = redis.call('HMGET', KEYS[1], 'holder', 'epoch')
if cur[1] ~= ARGV[1] or cur[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'holder', '')
return 1
`;

type Reply = (string | number | null)[];

function toRecord(fields: Reply): LockRecord | undefined {
  const [holder, cluster, epoch, acquired, renewed, expires, metadata] = fields;
  if (holder === null || holder === undefined) return undefined;
  return {
    holderId: String(holder),
    clusterName: String(cluster ?? ""),
    epoch: toInt(epoch, "epoch"),
    acquiredAt: toDate(toInt(acquired, "acquired"), "acquired"),
    renewedAt: toDate(toInt(renewed, "renewed"), "renewed"),
    expiresAt: toDate(toInt(expires, "expires"), "expires"),
    metadata: parseMetadata(metadata),
  };
}

export function redisOptions(config: RedisLockStoreConfig): {
  url?: string;
  options: RedisOptions;
} {
  const options: RedisOptions = {
    // Fail fast instead of queueing behind a dead connection: the elector's deadline decides.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.commandTimeoutMs ?? 2000,
    connectTimeout: 2000,
    retryStrategy: times => Math.min(times * 100, 1000),
    lazyConnect: false,
  };
  if (config.password !== undefined && config.password !== "") options.password = config.password;
  if (config.db !== undefined) options.db = config.db;
  if (config.tls) options.tls = config.tls === true ? {} : config.tls;
  const addr = config.addr ?? "127.0.0.1:6379";
  // redis.addr may also be a URL (configuration.md): ioredis takes it as one.
  const url = config.url ?? (/^rediss?:\/\//.test(addr) ? addr : undefined);
  if (url) return { url, options };
  // host:port or [ipv6]:port; a bare host means the default port.
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(addr);
  const host = m?.[1] ?? m?.[2] ?? addr;
  return { options: { ...options, host, port: m?.[3] ? Number(m[3]) : 6379 } };
}

export class RedisLockStore implements LockStore {
  readonly backend = "redis" as const;
  private readonly client: Redis;

  constructor(config: RedisLockStoreConfig) {
    const { url, options } = redisOptions(config);
    const { Redis: RedisClient } = loadDriver<typeof import("ioredis")>("ioredis");
    this.client = url ? new RedisClient(url, options) : new RedisClient(options);
    // Connection errors surface through the commands that fail; don't crash on the event.
    this.client.on("error", () => {});
  }

  private async ready(): Promise<void> {
    if (this.client.status === "ready") return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`redis not connected (${this.client.status})`));
      }, 2000);
      const onReady = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.client.off("ready", onReady);
      };
      this.client.on("ready", onReady);
    });
  }

  async tryAcquire(key: string, req: AcquireRequest): Promise<AcquireResult> {
    await this.ready();
    const reply = (await this.client.eval(
      ACQUIRE,
      2,
      key,
      `${key}:epoch`,
      req.holderId,
      req.clusterName,
      String(Math.ceil(req.leaseDurationMs)),
      JSON.stringify(req.metadata ?? {}),
    )) as Reply;
    if (reply[0] === 1) {
      const record = toRecord(reply.slice(1, 8));
      if (!record) throw new Error("redis acquire returned no record");
      return { acquired: true, record, previous: toRecord(reply.slice(8, 15)) };
    }
    return { acquired: false, current: toRecord(reply.slice(1, 8)) };
  }

  async renew(
    key: string,
    holderId: string,
    epoch: number,
    leaseDurationMs: number,
  ): Promise<LockRecord | undefined> {
    await this.ready();
    const reply = (await this.client.eval(
      RENEW,
      1,
      key,
      holderId,
      String(epoch),
      String(Math.ceil(leaseDurationMs)),
    )) as Reply;
    return reply[0] === 1 ? toRecord(reply.slice(1, 8)) : undefined;
  }

  async release(key: string, holderId: string, epoch: number): Promise<boolean> {
    await this.ready();
    return (await this.client.eval(RELEASE, 1, key, holderId, String(epoch))) === 1;
  }

  async get(key: string): Promise<LockRecord | undefined> {
    await this.ready();
    const fields = await this.client.hmget(
      key,
      "holder",
      "cluster",
      "epoch",
      "acquired",
      "renewed",
      "expires",
      "metadata",
    );
    return toRecord(fields);
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
