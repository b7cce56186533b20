// End-to-end tests against the real local control plane, which the global setup starts
// (or reuses when HIGHLANDER_TEST_KUBECONFIG points at one that `npm test` already started).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.test.ts"],
    globalSetup: ["devenv/setup/cluster.global.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    env: { PEPR_WATCH_MODE: "true" },
  },
});
