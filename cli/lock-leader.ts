// `highlander leader` without --url: reads each tenant's lock itself, where the operator keeps it.
// The operator's own configuration decides where that is (HIGHLANDER_* variables, the config file
// named by HIGHLANDER_CONFIG or /etc/highlander/config.yaml; --tenant, --lease-namespace and
// --kubeconfig override): for the Kubernetes Lease backend (the default) the Lease in the lease
// namespace, read through the kubeconfig, and the tenant's HighlanderFence (`kubectl get hlfence`);
// for Redis, PostgreSQL and Spanner the same store the operator opens. Loaded only by `leader`.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { resolveConfig } from "../capabilities/config/load";
import type { HighlanderConfig } from "../capabilities/config/types";
import { lockStoreConfig } from "../capabilities/runtime/storage-config";
import { KubeClient } from "../capabilities/runtime/kube-client";
import {
  FENCE_API_VERSION,
  FENCE_KIND,
  fenceName,
  type FenceObject,
} from "../capabilities/runtime/fence";
import { leaseNameFor } from "../storage/backends/lease-name";
import { lockKeyFor, type LockRecord, type LockStore } from "../storage/types";
import { flag, flags, type ParsedArgs } from "./args";
import { formatTable } from "./table";

/** Where the lock of one tenant was read, and what was found. */
export interface LockReading {
  tenant: string;
  /** "lease NS/NAME", "redis HOST:PORT", …: printed in the SOURCE column. */
  source: string;
  record?: LockRecord;
  /** The tenant's fence epoch in the cluster (Kubernetes only; undefined: no fence or not read). */
  fenceEpoch?: number;
}

export interface LockReader {
  read(tenant: string): Promise<LockReading>;
  close(): Promise<void>;
}

export function lockRows(readings: LockReading[]): string[][] {
  return readings.map(r => {
    const held = r.record !== undefined && r.record.holderId !== "";
    return [
      r.tenant,
      held ? (r.record?.holderId ?? "") : "(none)",
      held ? (r.record?.clusterName ?? "") : "",
      r.record && r.record.epoch > 0 ? String(r.record.epoch) : "",
      r.fenceEpoch === undefined ? "" : String(r.fenceEpoch),
      held ? (r.record?.expiresAt.toISOString() ?? "") : "",
      r.source,
    ];
  });
}

export const LOCK_HEADER = ["TENANT", "LEADER", "CLUSTER", "EPOCH", "FENCE", "EXPIRES", "SOURCE"];

/** The operator's configuration as this shell would give it, or an error listing the problems. */
export function operatorConfig(env: NodeJS.ProcessEnv = process.env): HighlanderConfig {
  const result = resolveConfig({ argv: [], env });
  if (!result.config) {
    throw new Error(
      `cannot tell where the lock is: the operator configuration has problems ` +
        `(${result.problems.join("; ")}); fix them or pass --url`,
    );
  }
  return result.config;
}

async function kubernetesReader(config: HighlanderConfig, args: ParsedArgs): Promise<LockReader> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const { KubernetesLockStore } = await import("../storage/backends/kubernetes");
  const kubeconfig = flag(args, "kubeconfig") ?? (config.cluster.kubeconfig || undefined);
  // Else @kubernetes/client-node falls back to http://localhost:8080, and says only that plain HTTP
  // is not allowed.
  if (
    !kubeconfig &&
    !process.env.KUBECONFIG &&
    !existsSync(join(homedir(), ".kube", "config")) &&
    !process.env.KUBERNETES_SERVICE_HOST
  ) {
    throw new Error(
      "no kubeconfig to read the lock with: set KUBECONFIG (npm start prints the line), pass " +
        "--kubeconfig, or pass --url to ask an operator",
    );
  }
  const namespace = flag(args, "lease-namespace") ?? config.leaseNamespace;
  const store = new KubernetesLockStore({ type: "kubernetes", kubeconfig, namespace });
  const kc = new KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault();
  const client = new KubeClient(kc, "highlander-cli");
  return {
    async read(tenant) {
      const key = lockKeyFor(tenant);
      const [record, fence] = await Promise.all([
        store.get(key),
        client.get<FenceObject>({
          apiVersion: FENCE_API_VERSION,
          kind: FENCE_KIND,
          name: fenceName(tenant),
        }),
      ]);
      return {
        tenant,
        source: `lease ${namespace}/${leaseNameFor(key)}`,
        record,
        fenceEpoch: fence?.spec.epoch,
      };
    },
    close: () => store.close(),
  };
}

async function storeReader(config: HighlanderConfig): Promise<LockReader> {
  const { createLockStore } = await import("../storage/factory");
  const { storageAddress } = await import("../capabilities/config/describe");
  const source = `${config.storageType} ${storageAddress(config)}`;
  let store: LockStore;
  try {
    store = await createLockStore(lockStoreConfig(config), { instrumented: false });
  } catch (err) {
    throw new Error(
      `cannot open the ${source} lock storage (${err instanceof Error ? err.message : String(err)}); ` +
        `pass --url to ask an operator instead`,
    );
  }
  return {
    async read(tenant) {
      return { tenant, source, record: await store.get(lockKeyFor(tenant)) };
    },
    close: () => store.close(),
  };
}

export async function lockReader(config: HighlanderConfig, args: ParsedArgs): Promise<LockReader> {
  return config.storageType === "kubernetes" ? kubernetesReader(config, args) : storeReader(config);
}

/** A store that cannot be reached must not hang the command (Redis clients retry forever). */
const READ_TIMEOUT_MS = 15_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** `leader` with no --url: one row per tenant (--tenant, repeatable; else the configured one). */
export async function leaderFromLock(
  args: ParsedArgs,
  open: (config: HighlanderConfig, args: ParsedArgs) => Promise<LockReader> = lockReader,
): Promise<number> {
  const config = operatorConfig();
  const tenants = flags(args, "tenant");
  const reader = await open(config, args);
  try {
    const readings: LockReading[] = [];
    for (const tenant of tenants.length > 0 ? tenants : [config.tenant]) {
      readings.push(
        await withTimeout(reader.read(tenant), READ_TIMEOUT_MS).catch((err: unknown) => {
          throw new Error(
            `cannot read the lock of tenant ${tenant}: ${err instanceof Error ? err.message : String(err)}` +
              `; pass --url to ask an operator instead`,
          );
        }),
      );
    }
    process.stdout.write(formatTable(LOCK_HEADER, lockRows(readings)));
  } finally {
    await reader.close();
  }
  return 0;
}
