// Cloud Spanner backend: table `LeaderLocks` (the predecessor's table plus AcquiredAt and Epoch,
// added to its table when it created it; its rows read as a foreign holder). Each operation is one read-write transaction, which Spanner runs serializably; expiry is
// judged against the server's CURRENT_TIMESTAMP(), never a client clock. Rows are never deleted, so
// epochs keep growing across releases.
import type { Database, Spanner, Transaction } from "@google-cloud/spanner";
import { loadDriver } from "../driver";
import { isPredecessorMetadata } from "../predecessor";
import { parseMetadata, toDate, toInt } from "../record";
import type {
  AcquireRequest,
  AcquireResult,
  KeyedLockRecord,
  LockRecord,
  LockStore,
} from "../types";

export interface SpannerLockStoreConfig {
  type: "spanner";
  projectId: string;
  instanceId: string;
  databaseId: string;
  /** host:port of an emulator; also read from SPANNER_EMULATOR_HOST. */
  emulatorHost?: string;
  /** Create the instance and database when missing (emulator and tests). The table always is. */
  createIfMissing?: boolean;
}

// The predecessor's table (its DDL, from its source) plus AcquiredAt and Epoch, both nullable and
// CreatedAt/UpdatedAt open to commit timestamps: its inserts (which set neither of ours and write
// commit timestamps) keep working on a table we created, during a rolling upgrade.
export const SPANNER_TABLE_DDL = `CREATE TABLE LeaderLocks (
  LockKey STRING(MAX) NOT NULL,
  LockValue STRING(MAX) NOT NULL,
  ClusterName STRING(MAX) NOT NULL,
  MetadataJson STRING(MAX),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  AcquiredAt TIMESTAMP,
  ExpiresAt TIMESTAMP NOT NULL,
  LockVersion INT64 NOT NULL,
  Epoch INT64
) PRIMARY KEY (LockKey)`;

/**
 * The DDL that brings an existing LeaderLocks table (the predecessor's, or ours before the upgrade
 * support) to SPANNER_TABLE_DDL's shape, from the table's CREATE statement as getSchema returns it.
 */
export function spannerMigrations(createTable: string): string[] {
  const columns = tableColumns(createTable);
  const out: string[] = [];
  for (const name of ["CreatedAt", "UpdatedAt"]) {
    const def = columns.get(name.toLowerCase());
    if (def !== undefined && !/allow_commit_timestamp\s*=\s*true/i.test(def))
      out.push(
        `ALTER TABLE LeaderLocks ALTER COLUMN ${name} SET OPTIONS (allow_commit_timestamp = true)`,
      );
  }
  for (const [name, type] of [
    ["AcquiredAt", "TIMESTAMP"],
    ["Epoch", "INT64"],
  ] as const) {
    const def = columns.get(name.toLowerCase());
    if (def === undefined) out.push(`ALTER TABLE LeaderLocks ADD COLUMN ${name} ${type}`);
    else if (/\bNOT\s+NULL\b/i.test(def))
      out.push(`ALTER TABLE LeaderLocks ALTER COLUMN ${name} ${type}`);
  }
  return out;
}

/** Column name (lower case) → the rest of its definition, from a CREATE TABLE statement. */
function tableColumns(createTable: string): Map<string, string> {
  const open = createTable.indexOf("(");
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of createTable.slice(open + 1)) {
    if (ch === "(") depth++;
    if (ch === ")" && depth-- === 0) break;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  const out = new Map<string, string>();
  for (const part of parts) {
    const m = /^\s*`?(\w+)`?\s+([\s\S]*)$/.exec(part);
    if (m?.[1] && m[2] !== undefined) out.set(m[1].toLowerCase(), m[2].trim());
  }
  return out;
}

// The predecessor's rows have no Epoch (0 here) and no AcquiredAt (its CreatedAt is that).
const COLUMNS = `LockValue, ClusterName, COALESCE(Epoch, 0) AS Epoch,
  COALESCE(AcquiredAt, CreatedAt) AS AcquiredAt, UpdatedAt, ExpiresAt, MetadataJson`;

const SELECT = `SELECT ${COLUMNS}, ExpiresAt <= CURRENT_TIMESTAMP() AS Expired
  FROM LeaderLocks WHERE LockKey = @key`;

interface Row {
  LockValue: string;
  ClusterName: string;
  Epoch: number | string;
  AcquiredAt: Date;
  UpdatedAt: Date;
  ExpiresAt: Date;
  MetadataJson: string | null;
  Expired: boolean;
}

function toRecord(row: Row): LockRecord {
  const record: LockRecord = {
    holderId: row.LockValue,
    clusterName: row.ClusterName,
    epoch: toInt(row.Epoch, "Epoch"),
    acquiredAt: toDate(row.AcquiredAt, "AcquiredAt"),
    renewedAt: toDate(row.UpdatedAt, "UpdatedAt"),
    expiresAt: toDate(row.ExpiresAt, "ExpiresAt"),
    metadata: parseMetadata(row.MetadataJson ?? ""),
  };
  return isPredecessorMetadata(row.MetadataJson)
    ? { ...record, metadata: {}, predecessor: true }
    : record;
}

/** The emulator breaks multiplexed sessions; these must be set before the client is created. */
export function configureForEmulator(emulatorHost: string): void {
  process.env.SPANNER_EMULATOR_HOST = emulatorHost;
  process.env.GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS = "false";
  process.env.GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_FOR_RW = "false";
  process.env.GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_PARTITIONED_OPS = "false";
  process.env.METADATA_SERVER_DETECTION ??= "none";
}

function grpcCode(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

const ALREADY_EXISTS = 6;
const ABORTED = 10;

/**
 * How long one operation keeps retrying transactions that Spanner aborted for contention (two
 * candidates at once, or the emulator's one-transaction-at-a-time rule) before it gives up with the
 * abort, and the pause between tries. The client library's own retry sleeps 2-3 s after the first
 * abort and doubles from there, which alone would push a takeover past the lease; the elector
 * retries every retry period anyway, so a short budget of our own is enough.
 */
const CONTENTION_BUDGET_MS = 1_000;
const CONTENTION_PAUSE_MS = { min: 20, max: 80 };

type Attempt<T> = { value: T } | { aborted: unknown };

export class SpannerLockStore implements LockStore {
  readonly backend = "spanner" as const;
  private readonly spanner: Spanner;
  private readonly database: Database;
  private ready: Promise<void> | undefined;

  constructor(private readonly config: SpannerLockStoreConfig) {
    const emulator = config.emulatorHost ?? process.env.SPANNER_EMULATOR_HOST;
    if (emulator) configureForEmulator(emulator);
    const { Spanner: SpannerClient } =
      loadDriver<typeof import("@google-cloud/spanner")>("@google-cloud/spanner");
    this.spanner = new SpannerClient({ projectId: config.projectId });
    this.database = this.spanner.instance(config.instanceId).database(config.databaseId);
  }

  private ensureReady(): Promise<void> {
    this.ready ??= this.prepare().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async prepare(): Promise<void> {
    if (this.config.createIfMissing) {
      const instance = this.spanner.instance(this.config.instanceId);
      const [instanceExists] = await instance.exists();
      if (!instanceExists) {
        try {
          const [, op] = await this.spanner.createInstance(this.config.instanceId, {
            config: "emulator-config",
            nodes: 1,
            displayName: this.config.instanceId,
          });
          await op.promise();
        } catch (err) {
          if (grpcCode(err) !== ALREADY_EXISTS) throw err;
        }
      }
      const [dbExists] = await this.database.exists();
      if (!dbExists) {
        try {
          const [, op] = await instance.createDatabase(this.config.databaseId);
          await op.promise();
        } catch (err) {
          if (grpcCode(err) !== ALREADY_EXISTS) throw err;
        }
      }
    }
    const [statements] = await this.database.getSchema();
    const existing = statements.find(ddl => /CREATE TABLE LeaderLocks\b/i.test(ddl));
    if (existing !== undefined) {
      const migrations = spannerMigrations(existing);
      // Our columns on the predecessor's table: without them nothing here works, so these must
      // succeed. Opening our older table to the predecessor's inserts is only needed during a
      // rolling upgrade from it: an identity without DDL rights keeps working without it.
      const required = migrations.filter(m => / ADD COLUMN /.test(m));
      const optional = migrations.filter(m => !/ ADD COLUMN /.test(m));
      if (required.length) {
        const [op] = await this.database.updateSchema(required);
        await op.promise();
      }
      if (optional.length) {
        try {
          const [op] = await this.database.updateSchema(optional);
          await op.promise();
        } catch {
          // Left as it was (docs/storage.md, "Rolling upgrade from k8-highlander").
        }
      }
      return;
    }
    try {
      const [op] = await this.database.updateSchema([SPANNER_TABLE_DDL]);
      await op.promise();
    } catch (err) {
      // Another process created it first.
      if (!/Duplicate name|already exists/i.test(String((err as Error).message))) throw err;
    }
  }

  /**
   * Runs `body` in one read-write transaction, retrying contention aborts within the budget; resolves
   * `{ aborted }` when they outlast it.
   */
  private async transact<T>(body: (tx: Transaction) => Promise<T>): Promise<Attempt<T>> {
    const deadline = Date.now() + CONTENTION_BUDGET_MS;
    for (;;) {
      const attempt = await this.database.runTransactionAsync(async (tx): Promise<Attempt<T>> => {
        try {
          return { value: await body(tx) };
        } catch (err) {
          // Returned, not thrown, so that the library does not sleep and retry by itself.
          if (grpcCode(err) === ABORTED) return { aborted: err };
          throw err;
        }
      });
      if ("value" in attempt || Date.now() >= deadline) return attempt;
      const { min, max } = CONTENTION_PAUSE_MS;
      await new Promise(resolve => setTimeout(resolve, min + Math.random() * (max - min)));
    }
  }

  /** Renew and release: contention that outlasts the budget is an error the elector retries. */
  private async transactOrThrow<T>(body: (tx: Transaction) => Promise<T>): Promise<T> {
    const attempt = await this.transact(body);
    if ("value" in attempt) return attempt.value;
    throw attempt.aborted;
  }

  async tryAcquire(key: string, req: AcquireRequest): Promise<AcquireResult> {
    await this.ensureReady();
    const attempt = await this.transact(async (tx): Promise<AcquireResult> => {
      const [rows] = await tx.run({ sql: SELECT, params: { key }, json: true });
      const current = rows[0] as Row | undefined;
      if (
        current &&
        current.LockValue !== "" &&
        !current.Expired &&
        current.LockValue !== req.holderId
      ) {
        await tx.rollback();
        return { acquired: false as const, current: toRecord(current) };
      }
      const params = {
        key,
        holder: req.holderId,
        cluster: req.clusterName,
        metadata: JSON.stringify(req.metadata ?? {}),
        ms: Math.ceil(req.leaseDurationMs),
      };
      const types = { ms: "int64" as const };
      if (!current) {
        await tx.runUpdate({
          sql: `INSERT INTO LeaderLocks (LockKey, LockValue, ClusterName, MetadataJson, CreatedAt,
                  UpdatedAt, AcquiredAt, ExpiresAt, LockVersion, Epoch)
                VALUES (@key, @holder, @cluster, @metadata, CURRENT_TIMESTAMP(), CURRENT_TIMESTAMP(),
                  CURRENT_TIMESTAMP(), TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL @ms MILLISECOND),
                  1, 1)`,
          params,
          types,
        });
      } else {
        await tx.runUpdate({
          sql: `UPDATE LeaderLocks SET LockValue = @holder, ClusterName = @cluster,
                  MetadataJson = @metadata, UpdatedAt = CURRENT_TIMESTAMP(),
                  AcquiredAt = CURRENT_TIMESTAMP(),
                  ExpiresAt = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL @ms MILLISECOND),
                  LockVersion = LockVersion + 1, Epoch = COALESCE(Epoch, 0) + 1
                WHERE LockKey = @key`,
          params,
          types,
        });
      }
      const [after] = await tx.run({ sql: SELECT, params: { key }, json: true });
      await tx.commit();
      const row = after[0] as Row | undefined;
      if (!row) throw new Error("spanner acquire wrote no row");
      return {
        acquired: true as const,
        record: toRecord(row),
        previous: current ? toRecord(current) : undefined,
      };
    });
    if ("value" in attempt) return attempt.value;
    // Another candidate kept the row busy for the whole budget: that is losing the race.
    return { acquired: false, current: await this.get(key) };
  }

  async renew(
    key: string,
    holderId: string,
    epoch: number,
    leaseDurationMs: number,
  ): Promise<LockRecord | undefined> {
    await this.ensureReady();
    return this.transactOrThrow(async tx => {
      const [count] = await tx.runUpdate({
        sql: `UPDATE LeaderLocks SET UpdatedAt = CURRENT_TIMESTAMP(),
                ExpiresAt = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL @ms MILLISECOND),
                LockVersion = LockVersion + 1
              WHERE LockKey = @key AND LockValue = @holder AND Epoch = @epoch
                AND ExpiresAt > CURRENT_TIMESTAMP()`,
        params: { key, holder: holderId, epoch, ms: Math.ceil(leaseDurationMs) },
        types: { epoch: "int64", ms: "int64" },
      });
      if (count !== 1) {
        await tx.rollback();
        return undefined;
      }
      const [rows] = await tx.run({ sql: SELECT, params: { key }, json: true });
      await tx.commit();
      const row = rows[0] as Row | undefined;
      return row ? toRecord(row) : undefined;
    });
  }

  async release(key: string, holderId: string, epoch: number): Promise<boolean> {
    await this.ensureReady();
    return this.transactOrThrow(async tx => {
      const [count] = await tx.runUpdate({
        sql: `UPDATE LeaderLocks SET LockValue = '', UpdatedAt = CURRENT_TIMESTAMP(),
                ExpiresAt = CURRENT_TIMESTAMP(), LockVersion = LockVersion + 1
              WHERE LockKey = @key AND LockValue = @holder AND Epoch = @epoch`,
        params: { key, holder: holderId, epoch },
        types: { epoch: "int64" },
      });
      await tx.commit();
      return count === 1;
    });
  }

  async get(key: string): Promise<LockRecord | undefined> {
    await this.ensureReady();
    const [rows] = await this.database.run({ sql: SELECT, params: { key }, json: true });
    const row = rows[0] as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Records whose key starts with `prefix`, ordered by key (a read-only snapshot, no lock). */
  async list(prefix: string, limit = 1000): Promise<KeyedLockRecord[]> {
    await this.ensureReady();
    const [rows] = await this.database.run({
      sql: `SELECT LockKey, ${COLUMNS} FROM LeaderLocks WHERE STARTS_WITH(LockKey, @prefix)
            ORDER BY LockKey LIMIT @limit`,
      params: { prefix, limit: Math.max(0, Math.floor(limit)) },
      types: { limit: "int64" },
      json: true,
    });
    return (rows as (Row & { LockKey: string })[]).map(row => ({
      key: row.LockKey,
      record: toRecord(row),
    }));
  }

  async close(): Promise<void> {
    await this.database.close();
    this.spanner.close();
  }
}
