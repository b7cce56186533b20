// From the operator's configuration to the lock store's: one pure mapping, unit-tested.
import type { HighlanderConfig } from "../config";
import type { LockStoreConfig } from "../../storage/factory";

export function lockStoreConfig(config: HighlanderConfig): LockStoreConfig {
  switch (config.storageType) {
    case "kubernetes":
      return {
        type: "kubernetes",
        namespace: config.leaseNamespace || undefined,
        kubeconfig: config.cluster.kubeconfig || undefined,
      };
    case "redis":
      return {
        type: "redis",
        addr: config.redis.addr,
        password: config.redis.password || undefined,
        db: config.redis.db,
        tls: config.redis.tls,
      };
    case "db":
      return { type: "db", databaseUrl: config.databaseURL };
    case "spanner":
      return {
        type: "spanner",
        projectId: config.spanner.projectID,
        instanceId: config.spanner.instanceID,
        databaseId: config.spanner.databaseID,
        emulatorHost: process.env.SPANNER_EMULATOR_HOST || undefined,
        // Against the emulator the instance and database are ours to make; in production never.
        createIfMissing: Boolean(process.env.SPANNER_EMULATOR_HOST),
      };
  }
}

/**
 * The operator's own flags from argv. Pepr's controller starts the module with a positional module
 * hash before any flags; only what follows the first `--flag` belongs to us.
 */
export function operatorArgs(argv: readonly string[]): string[] {
  const first = argv.findIndex(arg => arg.startsWith("--"));
  return first === -1 ? [] : argv.slice(first);
}
