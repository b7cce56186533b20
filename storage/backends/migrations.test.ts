import { describe, expect, it } from "vitest";
import { missingColumnsSql } from "./postgres";
import { SPANNER_TABLE_DDL, spannerMigrations } from "./spanner";
import { OLD_OWN_SPANNER_DDL, PREDECESSOR_SPANNER_DDL } from "../testing/spanner-ddl";

describe("spannerMigrations", () => {
  it("adds our two columns to the predecessor's table", () => {
    expect(spannerMigrations(PREDECESSOR_SPANNER_DDL)).toEqual([
      "ALTER TABLE LeaderLocks ADD COLUMN AcquiredAt TIMESTAMP",
      "ALTER TABLE LeaderLocks ADD COLUMN Epoch INT64",
    ]);
  });

  it("opens our old table to the predecessor's inserts (commit timestamps, nullable columns)", () => {
    expect(spannerMigrations(OLD_OWN_SPANNER_DDL)).toEqual([
      "ALTER TABLE LeaderLocks ALTER COLUMN CreatedAt SET OPTIONS (allow_commit_timestamp = true)",
      "ALTER TABLE LeaderLocks ALTER COLUMN UpdatedAt SET OPTIONS (allow_commit_timestamp = true)",
      "ALTER TABLE LeaderLocks ALTER COLUMN AcquiredAt TIMESTAMP",
      "ALTER TABLE LeaderLocks ALTER COLUMN Epoch INT64",
    ]);
  });

  it("has nothing to do on the current table, also as the emulator prints it (options on lines)", () => {
    expect(spannerMigrations(SPANNER_TABLE_DDL)).toEqual([]);
    const printed = SPANNER_TABLE_DDL.replace(
      /OPTIONS \(allow_commit_timestamp = true\)/g,
      "OPTIONS (\n    allow_commit_timestamp = true\n  )",
    );
    expect(spannerMigrations(printed)).toEqual([]);
  });
});

describe("missingColumnsSql", () => {
  it("adds acquired_at and epoch with defaults to the predecessor's leader_locks", () => {
    const gorm = ["key", "value", "cluster_name", "metadata", "created_at", "updated_at"];
    expect(missingColumnsSql("leader_locks", [...gorm, "expires_at", "version"])).toBe(
      "ALTER TABLE leader_locks ADD COLUMN IF NOT EXISTS acquired_at TIMESTAMPTZ NOT NULL DEFAULT now(), " +
        "ADD COLUMN IF NOT EXISTS epoch BIGINT NOT NULL DEFAULT 1",
    );
    expect(
      missingColumnsSql("leader_locks", [...gorm, "expires_at", "version", "acquired_at", "epoch"]),
    ).toBeUndefined();
  });
});
