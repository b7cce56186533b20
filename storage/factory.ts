// createLockStore: one typed config, four backends (the predecessor's storageType values plus
// "kubernetes", the default). Backends are loaded lazily so a process only pulls in its own driver.
import type { Clock } from "./clock";
import { instrument } from "./instrumented";
import type { KubernetesLockStoreConfig } from "./backends/kubernetes";
import type { PostgresLockStoreConfig } from "./backends/postgres";
import type { RedisLockStoreConfig } from "./backends/redis";
import type { SpannerLockStoreConfig } from "./backends/spanner";
import type { LockStore } from "./types";

export type LockStoreConfig =
  | KubernetesLockStoreConfig
  | RedisLockStoreConfig
  | PostgresLockStoreConfig
  | SpannerLockStoreConfig;

/** Builds the store for `config`, wrapped with metrics. Call `close()` when done. */
export async function createLockStore(
  config: LockStoreConfig,
  opts: { clock?: Clock; instrumented?: boolean } = {},
): Promise<LockStore> {
  const store = await createRaw(config, opts.clock);
  return opts.instrumented === false ? store : instrument(store);
}

async function createRaw(config: LockStoreConfig, clock?: Clock): Promise<LockStore> {
  switch (config.type) {
    case "kubernetes": {
      const { KubernetesLockStore } = await import("./backends/kubernetes");
      return new KubernetesLockStore({ ...config, clock: config.clock ?? clock });
    }
    case "redis": {
      const { RedisLockStore } = await import("./backends/redis");
      return new RedisLockStore(config);
    }
    case "db": {
      const { PostgresLockStore } = await import("./backends/postgres");
      return new PostgresLockStore(config);
    }
    case "spanner": {
      const { SpannerLockStore } = await import("./backends/spanner");
      return new SpannerLockStore(config);
    }
    default: {
      const never: never = config;
      throw new Error(`unknown storage type ${JSON.stringify(never)}`);
    }
  }
}
