// Storage integration tests: the leader-lock contract against real Kubernetes (local control plane),
// Redis, PostgreSQL and the Spanner emulator, which the global setup starts (or reuses).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["storage/**/*.int.test.ts"],
    globalSetup: ["devenv/setup/services.global.ts"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
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
