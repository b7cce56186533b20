// The serverless lease service and `highlander run`, against the real Spanner emulator (started by
// the global setup, or reused from HIGHLANDER_TEST_SPANNER_EMULATOR_HOST) and the deployable bundle
// served by the real Functions Framework.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["functions/**/*.int.test.ts"],
    globalSetup: ["functions/testing/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ["verbose"],
    env: {
      PEPR_WATCH_MODE: "true",
      METADATA_SERVER_DETECTION: "none",
      GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS: "false",
      GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_FOR_RW: "false",
      GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_PARTITIONED_OPS: "false",
    },
  },
});
