// LeaderLocks tables as others created them, for the migration tests (unit and against the emulator).

/**
 * The predecessor's Spanner DDL, as its SpannerStorage logs it when the table is missing
 * (k8-highlander c0e9602, pkg/storage/spanner_storage.go, ensureSchema).
 */
export const PREDECESSOR_SPANNER_DDL = `CREATE TABLE LeaderLocks (
  LockKey STRING(MAX) NOT NULL,
  LockValue STRING(MAX) NOT NULL,
  ClusterName STRING(MAX) NOT NULL,
  MetadataJson STRING(MAX),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  ExpiresAt TIMESTAMP NOT NULL,
  LockVersion INT64 NOT NULL
) PRIMARY KEY (LockKey)`;

/** Our DDL before rolling upgrades were supported. */
export const OLD_OWN_SPANNER_DDL = `CREATE TABLE LeaderLocks (
  LockKey STRING(MAX) NOT NULL,
  LockValue STRING(MAX) NOT NULL,
  ClusterName STRING(MAX) NOT NULL,
  MetadataJson STRING(MAX),
  CreatedAt TIMESTAMP NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL,
  AcquiredAt TIMESTAMP NOT NULL,
  ExpiresAt TIMESTAMP NOT NULL,
  LockVersion INT64 NOT NULL,
  Epoch INT64 NOT NULL
) PRIMARY KEY (LockKey)`;
