// PostgreSQL backend: one row per lock key in `leader_locks` (the predecessor's table and column
// names, plus acquired_at and epoch, added to its table when it created it; metadata stays text in
// its table, jsonb in ours, and the predecessor's rows read as a foreign holder). Each operation is ONE statement judged by the server's now(),
// so client clocks never decide expiry. Rows are never deleted: a release clears the holder and
// keeps the epoch, so the next acquisition still gets a larger one.
import type pg from "pg";
import { loadDriver } from "../driver";
import { isPredecessorMetadata } from "../predecessor";
import { parseMetadata, toDate, toInt } from "../record";
import type { AcquireRequest, AcquireResult, LockRecord, LockStore } from "../types";

export interface PostgresLockStoreConfig {
  type: "db";
  /** postgres:// URL (the predecessor's `databaseURL`). */
  databaseUrl: string;
  /** Table name (default leader_locks); must be a plain SQL identifier. */
  table?: string;
  /** Statement timeout per operation (default 2000 ms). */
  statementTimeoutMs?: number;
  /** Pool size (default 2: the elector runs one operation at a time). */
  maxConnections?: number;
}

const COLUMNS =
  "value, cluster_name, epoch, acquired_at, updated_at, expires_at, metadata::text AS metadata";

export function createTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    key          TEXT PRIMARY KEY,
    value        TEXT        NOT NULL DEFAULT '',
    cluster_name TEXT        NOT NULL DEFAULT '',
    metadata     JSONB       NOT NULL DEFAULT '{}'::jsonb,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    acquired_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    version      BIGINT      NOT NULL DEFAULT 1,
    epoch        BIGINT      NOT NULL DEFAULT 1
  )`;
}

interface Row {
  value: string;
  cluster_name: string;
  epoch: string | number;
  acquired_at: Date;
  updated_at: Date;
  expires_at: Date;
  metadata: string;
}

function toRecord(row: Row): LockRecord {
  const record: LockRecord = {
    holderId: row.value,
    clusterName: row.cluster_name,
    epoch: toInt(row.epoch, "epoch"),
    acquiredAt: toDate(row.acquired_at, "acquired_at"),
    renewedAt: toDate(row.updated_at, "updated_at"),
    expiresAt: toDate(row.expires_at, "expires_at"),
    metadata: parseMetadata(row.metadata),
  };
  // A row the predecessor wrote (storage/predecessor.ts): its metadata is its lock JSON, not ours.
  // Its rows carry our column defaults (epoch 1), which mean nothing: no epoch, as elsewhere.
  return isPredecessorMetadata(row.metadata)
    ? { ...record, epoch: 0, metadata: {}, predecessor: true }
    : record;
}

/**
 * The columns we add to a `leader_locks` table the predecessor created (its GORM model has no
 * acquired_at and no epoch): nullable-free with defaults, so its own inserts keep working.
 */
export function missingColumnsSql(table: string, columns: readonly string[]): string | undefined {
  const add: string[] = [];
  if (!columns.includes("acquired_at"))
    add.push("ADD COLUMN IF NOT EXISTS acquired_at TIMESTAMPTZ NOT NULL DEFAULT now()");
  if (!columns.includes("epoch"))
    add.push("ADD COLUMN IF NOT EXISTS epoch BIGINT NOT NULL DEFAULT 1");
  return add.length ? `ALTER TABLE ${table} ${add.join(", ")}` : undefined;
}

export class PostgresLockStore implements LockStore {
  readonly backend = "db" as const;
  private readonly pool: pg.Pool;
  private readonly table: string;
  private tableReady: Promise<void> | undefined;

  constructor(config: PostgresLockStoreConfig) {
    this.table = config.table ?? "leader_locks";
    if (!/^[a-z_][a-z0-9_]*$/i.test(this.table)) throw new Error(`bad table name ${this.table}`);
    const timeout = config.statementTimeoutMs ?? 2000;
    const { Pool } = loadDriver<typeof import("pg")>("pg");
    this.pool = new Pool({
      connectionString: config.databaseUrl,
      max: config.maxConnections ?? 2,
      connectionTimeoutMillis: timeout,
      statement_timeout: timeout,
      query_timeout: timeout + 500,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its server emits on the pool; the next query reports the failure.
    this.pool.on("error", () => {});
  }

  /**
   * Creates the table if missing (idempotent; concurrent creators are tolerated), and adds our
   * columns to one the predecessor created.
   */
  private ensureTable(): Promise<void> {
    this.tableReady ??= this.prepareTable().catch((err: unknown) => {
      this.tableReady = undefined;
      throw err;
    });
    return this.tableReady;
  }

  private async prepareTable(): Promise<void> {
    await this.pool.query(createTableSql(this.table)).catch((err: unknown) => {
      // Two processes creating the table at once can collide on the type's unique index.
      const code = (err as { code?: string }).code;
      if (code !== "23505" && code !== "42P07") throw err;
    });
    const columns = await this.pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1`,
      [this.table.toLowerCase()],
    );
    const alter = missingColumnsSql(
      this.table,
      columns.rows.map(r => r.column_name),
    );
    if (alter) await this.pool.query(alter);
  }

  async tryAcquire(key: string, req: AcquireRequest): Promise<AcquireResult> {
    await this.ensureTable();
    // The CTE reads the row before the upsert (same snapshot) to report the record we replaced.
    const result = await this.pool.query<Row & { prev_value: string | null } & PrevColumns>(
      `WITH prev AS (SELECT ${prefixed("prev_")} FROM ${this.table} WHERE key = $1),
       up AS (
         INSERT INTO ${this.table} AS l
           (key, value, cluster_name, metadata, created_at, updated_at, acquired_at, expires_at,
            version, epoch)
         VALUES ($1, $2, $3, $4, now(), now(), now(),
                 now() + $5::bigint * interval '1 millisecond', 1, 1)
         ON CONFLICT (key) DO UPDATE SET
           value = EXCLUDED.value, cluster_name = EXCLUDED.cluster_name,
           metadata = EXCLUDED.metadata, updated_at = now(), acquired_at = now(),
           expires_at = EXCLUDED.expires_at, version = l.version + 1, epoch = l.epoch + 1
         WHERE l.value = '' OR l.expires_at <= now() OR l.value = EXCLUDED.value
         RETURNING ${COLUMNS}
       )
       SELECT up.*, prev.* FROM up LEFT JOIN prev ON true`,
      [key, req.holderId, req.clusterName, JSON.stringify(req.metadata ?? {}), req.leaseDurationMs],
    );
    const row = result.rows[0];
    if (row) {
      return {
        acquired: true,
        record: toRecord(row),
        previous: row.prev_value === null ? undefined : toRecord(unprefix(row)),
      };
    }
    return { acquired: false, current: await this.get(key) };
  }

  async renew(
    key: string,
    holderId: string,
    epoch: number,
    leaseDurationMs: number,
  ): Promise<LockRecord | undefined> {
    await this.ensureTable();
    const result = await this.pool.query<Row>(
      `UPDATE ${this.table}
          SET updated_at = now(), expires_at = now() + $4::bigint * interval '1 millisecond',
              version = version + 1
        WHERE key = $1 AND value = $2 AND epoch = $3 AND expires_at > now()
        RETURNING ${COLUMNS}`,
      [key, holderId, epoch, Math.ceil(leaseDurationMs)],
    );
    const row = result.rows[0];
    return row ? toRecord(row) : undefined;
  }

  async release(key: string, holderId: string, epoch: number): Promise<boolean> {
    await this.ensureTable();
    const result = await this.pool.query(
      `UPDATE ${this.table}
          SET value = '', updated_at = now(), expires_at = now(), version = version + 1
        WHERE key = $1 AND value = $2 AND epoch = $3`,
      [key, holderId, epoch],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async get(key: string): Promise<LockRecord | undefined> {
    await this.ensureTable();
    const result = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE key = $1`,
      [key],
    );
    const row = result.rows[0];
    return row ? toRecord(row) : undefined;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

interface PrevColumns {
  prev_value: string | null;
  prev_cluster_name: string;
  prev_epoch: string;
  prev_acquired_at: Date;
  prev_updated_at: Date;
  prev_expires_at: Date;
  prev_metadata: string;
}

function prefixed(prefix: string): string {
  return [
    "value",
    "cluster_name",
    "epoch",
    "acquired_at",
    "updated_at",
    "expires_at",
    "metadata::text",
  ]
    .map(c => `${c} AS ${prefix}${c.replace("::text", "")}`)
    .join(", ");
}

function unprefix(row: PrevColumns): Row {
  return {
    value: row.prev_value ?? "",
    cluster_name: row.prev_cluster_name,
    epoch: row.prev_epoch,
    acquired_at: row.prev_acquired_at,
    updated_at: row.prev_updated_at,
    expires_at: row.prev_expires_at,
    metadata: row.prev_metadata,
  };
}
