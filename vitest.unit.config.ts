// Unit tests: pure code and mocks only, next to the code they test (*.test.ts).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", "**/*.int.test.ts", "**/*.e2e.test.ts"],
    env: { PEPR_WATCH_MODE: "true" },
  },
});
