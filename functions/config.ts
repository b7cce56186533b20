// Where the lease service keeps its leases, from the environment (on Cloud Functions: from
// --set-env-vars; the token from --set-secrets, which mounts a Secret Manager secret as a variable).
import type { SpannerLockStoreConfig } from "../storage/backends/spanner";

export const DEFAULT_INSTANCE = "highlander-instance";
export const DEFAULT_DATABASE = "highlander-db";

/** Spanner settings from HIGHLANDER_SPANNER_* (defaults as the operator's); throws when unset. */
export function spannerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SpannerLockStoreConfig {
  const projectId = env.HIGHLANDER_SPANNER_PROJECT_ID || env.GOOGLE_CLOUD_PROJECT || "";
  if (!projectId) {
    throw new Error(
      "HIGHLANDER_SPANNER_PROJECT_ID (or GOOGLE_CLOUD_PROJECT) must name the Google Cloud project",
    );
  }
  return {
    type: "spanner",
    projectId,
    instanceId: env.HIGHLANDER_SPANNER_INSTANCE_ID || DEFAULT_INSTANCE,
    databaseId: env.HIGHLANDER_SPANNER_DATABASE_ID || DEFAULT_DATABASE,
    emulatorHost: env.SPANNER_EMULATOR_HOST || undefined,
    // The instance and database are made once by setup-spanner.ts, never by the service.
    createIfMissing: false,
  };
}
