// Redis backend. Every operation is one Lua script, so check-and-set runs atomically on the server;
// the lease expiry is the key's own PX TTL (server clock), and epochs come from a separate counter
// key that never expires, so a new acquisition outnumbers every earlier one even after the lock key
// itself expired or was released.
import type { Redis, RedisOptions } from "ioredis";
import { loadDriver } from "../driver";
import type { ConnectionOptions } from "node:tls";
import { decodeRedisLock } from "../predecessor";
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

// The lock is a string key holding one JSON object, readable by the predecessor (k8-highlander), which
// shares the key during a rolling upgrade (storage/predecessor.ts): its fields `value` (holder),
// `clusterName`, `createdAt`/`updatedAt`/`expiresAt` (RFC 3339), `ttl` (ns) and `version` are the ones
// it parses, so it sees our hold as taken; ours are `epoch`, `acquiredMs`, `renewedMs`, `expiresMs`
// and `metadata` (JSON text). Records of an earlier Highlander (a hash) and of the predecessor (its
// JSON, or a bare holder id) are read too; every write replaces them with this format.
const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function fmt(n) return string.format('%.0f', n) end
-- RFC 3339 UTC with milliseconds, from Unix ms (days to civil date: Hinnant's algorithm).
local function iso(ms)
  local s = math.floor(ms / 1000)
  local days = math.floor(s / 86400)
  local rem = s - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524)
    - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d, math.floor(rem / 3600),
    math.floor((rem % 3600) / 60), rem % 60, ms % 1000)
end
-- holder, epoch and the key's value as JSON text (nil when absent). Foreign records have epoch 0.
local function load(key)
  local t = redis.call('TYPE', key).ok
  if t == 'none' then return nil, 0, nil end
  if t == 'hash' then
    local h = redis.call('HMGET', key, 'holder', 'cluster', 'epoch', 'acquired', 'renewed',
      'expires', 'metadata')
    local rec = { value = h[1] or '', clusterName = h[2] or '', epoch = tonumber(h[3] or '0') or 0,
      acquiredMs = tonumber(h[4] or '0') or 0, renewedMs = tonumber(h[5] or '0') or 0,
      expiresMs = tonumber(h[6] or '0') or 0, metadata = h[7] or '{}' }
    return rec.value, rec.epoch, cjson.encode(rec)
  end
  if t ~= 'string' then return redis.error_reply('lock key ' .. key .. ' holds a ' .. t) end
  local raw = redis.call('GET', key)
  local ok, d = pcall(cjson.decode, raw)
  if ok and type(d) == 'table' then
    local holder = type(d.value) == 'string' and d.value or ''
    return holder, tonumber(d.epoch) or 0, raw
  end
  return raw, 0, raw
end
local function save(key, rec, ttl)
  rec.updatedAt = iso(rec.renewedMs)
  rec.expiresAt = iso(rec.expiresMs)
  rec.ttl = ttl * 1000000
  local out = cjson.encode(rec)
  if ttl > 0 then redis.call('SET', key, out, 'PX', ttl) else redis.call('SET', key, out, 'KEEPTTL') end
  return out
end
`;

// KEYS: lock, epoch counter. ARGV: holder, cluster, ttlMs, metadata JSON.
// Returns {1, record, now, pttl, previous record, previous pttl} or {0, current record, now, pttl}.
const ACQUIRE = `${PRELUDE}
local holder, cur_epoch, raw = load(KEYS[1])
local now = now_ms()
local pttl = redis.call('PTTL', KEYS[1])
if holder and holder ~= '' and holder ~= ARGV[1] then return {0, raw, now, pttl} end
local epoch = redis.call('INCR', KEYS[2])
if epoch <= cur_epoch then
  -- The counter was lost (a server without persistence restarted) but a record survived: never reuse.
  epoch = cur_epoch + 1
  redis.call('SET', KEYS[2], fmt(epoch))
end
local ttl = tonumber(ARGV[3])
local rec = { value = ARGV[1], clusterName = ARGV[2], epoch = epoch, version = epoch,
  acquiredMs = now, renewedMs = now, expiresMs = now + ttl, metadata = ARGV[4],
  createdAt = iso(now) }
local out = save(KEYS[1], rec, ttl)
return {1, out, now, ttl, raw or false, pttl}
`;

// KEYS: lock. ARGV: holder, epoch, ttlMs. Returns {1, record, now, pttl} or {0}.
const RENEW = `${PRELUDE}
local holder, epoch, raw = load(KEYS[1])
if holder ~= ARGV[1] or epoch ~= tonumber(ARGV[2]) then return {0} end
local rec = cjson.decode(raw)
local now = now_ms()
local ttl = tonumber(ARGV[3])
rec.renewedMs = now
rec.expiresMs = now + ttl
rec.version = (tonumber(rec.version) or 0) + 1
rec.createdAt = rec.createdAt or iso(tonumber(rec.acquiredMs) or now)
return {1, save(KEYS[1], rec, ttl), now, ttl}
`;

// KEYS: lock. ARGV: holder, epoch. Returns 1 when released, 0 when not ours.
// The record stays, holder cleared (as the other backends do), until its TTL runs out: a standby
// can tell a release (take it now) from a lease that ran out (wait until it has watched a whole
// lease go by), and the epoch stays readable.
const RELEASE = `${PRELUDE}
local holder, epoch, raw = load(KEYS[1])
if holder ~= ARGV[1] or epoch ~= tonumber(ARGV[2]) then return 0 end
local rec = cjson.decode(raw)
rec.value = ''
rec.version = (tonumber(rec.version) or 0) + 1
rec.createdAt = rec.createdAt or iso(tonumber(rec.acquiredMs) or 0)
save(KEYS[1], rec, 0)
return 1
`;

// KEYS: lock. Returns {record or nil, now, pttl}.
const GET = `${PRELUDE}
local holder, epoch, raw = load(KEYS[1])
return {raw or false, now_ms(), redis.call('PTTL', KEYS[1])}
`;

type Reply = (string | number | null)[];

function decodeAt(reply: Reply, at: number): LockRecord | undefined {
  const raw = reply[at];
  return decodeRedisLock(
    typeof raw === "string" ? raw : null,
    Number(reply[at + 1] ?? 0),
    Number(reply[at + 2] ?? -1),
  );
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
      const record = decodeAt(reply, 1);
      if (!record) throw new Error("redis acquire returned no record");
      const prev = reply[4];
      const previous = decodeRedisLock(
        typeof prev === "string" ? prev : null,
        Number(reply[2]),
        Number(reply[5]),
      );
      return { acquired: true, record, previous };
    }
    return { acquired: false, current: decodeAt(reply, 1) };
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
    return reply[0] === 1 ? decodeAt(reply, 1) : undefined;
  }

  async release(key: string, holderId: string, epoch: number): Promise<boolean> {
    await this.ready();
    return (await this.client.eval(RELEASE, 1, key, holderId, String(epoch))) === 1;
  }

  async get(key: string): Promise<LockRecord | undefined> {
    await this.ready();
    return decodeAt((await this.client.eval(GET, 1, key)) as Reply, 0);
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
