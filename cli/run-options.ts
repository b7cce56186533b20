// `highlander run` options: one pure function from parsed argv + environment to a complete plan,
// so every default, alias and error message is unit-tested.
import { parseDuration } from "../capabilities/config/duration";
import { resolveTiming, type LeaseTiming } from "../storage/timing";
import type { LockStoreConfig } from "../storage/factory";
import { leaseKeyFor, parseLeaseName, type LeaseName } from "../functions/lease-key";
import { DEFAULT_DATABASE, DEFAULT_INSTANCE } from "../functions/config";
import { flag, rejectUnknown, UsageError, type ParsedArgs } from "./args";

const RUN_FLAGS = [
  "lease",
  "service",
  "token",
  "holder",
  "cluster-name",
  "lease-duration",
  "renew-deadline",
  "retry-period",
  "grace-period",
  "storage",
  "redis-addr",
  "database-url",
  "spanner-project-id",
  "spanner-instance-id",
  "spanner-database-id",
  "kubeconfig",
  "namespace",
] as const;

type LeaseBackend =
  | { kind: "service"; serviceUrl: string; token: string; headers: Record<string, string> }
  | { kind: "storage"; config: LockStoreConfig };

export interface RunPlan {
  lease: LeaseName;
  key: string;
  backend: LeaseBackend;
  /** Undefined: candidateIdentity() picks hostname + random suffix. */
  holder?: string;
  clusterName: string;
  timing: LeaseTiming;
  gracePeriodMs: number;
  command: string[];
}

const RUN_DEFAULTS = {
  leaseDurationMs: 10_000,
  renewDeadlineMs: 7_000,
  retryPeriodMs: 2_000,
  gracePeriodMs: 10_000,
};

function duration(args: ParsedArgs, name: string, fallback: number): number {
  const text = flag(args, name);
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`--${name} must be a positive duration like 10s or 500ms, got "${text}"`);
  }
  return ms;
}

function storageConfig(args: ParsedArgs, env: NodeJS.ProcessEnv, type: string): LockStoreConfig {
  switch (type) {
    case "redis": {
      const addr = flag(args, "redis-addr") ?? env.HIGHLANDER_REDIS_ADDR;
      if (!addr)
        throw new UsageError("--storage redis needs --redis-addr or HIGHLANDER_REDIS_ADDR");
      const db = env.HIGHLANDER_REDIS_DB ? Number(env.HIGHLANDER_REDIS_DB) : undefined;
      const isUrl = /^rediss?:\/\//.test(addr);
      return {
        type: "redis",
        ...(isUrl ? { url: addr } : { addr }),
        password: env.HIGHLANDER_REDIS_PASSWORD || undefined,
        db,
        tls: env.HIGHLANDER_REDIS_TLS === "true" || undefined,
      };
    }
    case "db": {
      const databaseUrl = flag(args, "database-url") ?? env.HIGHLANDER_DATABASE_URL;
      if (!databaseUrl) {
        throw new UsageError("--storage db needs --database-url or HIGHLANDER_DATABASE_URL");
      }
      return { type: "db", databaseUrl };
    }
    case "spanner": {
      const projectId = flag(args, "spanner-project-id") ?? env.HIGHLANDER_SPANNER_PROJECT_ID;
      if (!projectId) {
        throw new UsageError(
          "--storage spanner needs --spanner-project-id or HIGHLANDER_SPANNER_PROJECT_ID",
        );
      }
      const emulatorHost = env.SPANNER_EMULATOR_HOST || undefined;
      return {
        type: "spanner",
        projectId,
        instanceId:
          flag(args, "spanner-instance-id") ??
          (env.HIGHLANDER_SPANNER_INSTANCE_ID || DEFAULT_INSTANCE),
        databaseId:
          flag(args, "spanner-database-id") ??
          (env.HIGHLANDER_SPANNER_DATABASE_ID || DEFAULT_DATABASE),
        emulatorHost,
        // Against the emulator the instance and database are ours to make; in production never.
        createIfMissing: Boolean(emulatorHost),
      };
    }
    case "kubernetes":
      return {
        type: "kubernetes",
        kubeconfig: flag(args, "kubeconfig") ?? (env.KUBECONFIG || undefined),
        namespace: flag(args, "namespace"),
      };
    default:
      throw new UsageError(`--storage must be redis, db, spanner or kubernetes, got "${type}"`);
  }
}

export function runPlan(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): RunPlan {
  rejectUnknown(args, RUN_FLAGS);
  if (args.positionals.length > 0) {
    throw new UsageError(
      `unexpected argument "${args.positionals[0]}": put the command after --, e.g. ` +
        "highlander run --lease team-a/report --service URL -- ./report.sh",
    );
  }
  const leaseText = flag(args, "lease");
  if (!leaseText) throw new UsageError("run needs --lease <tenant>/<name>");
  let lease: LeaseName;
  try {
    lease = parseLeaseName(leaseText);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (args.rest.length === 0) {
    throw new UsageError("run needs a command after --, e.g. -- ./report.sh --daily");
  }
  const serviceUrl = flag(args, "service") ?? env.HIGHLANDER_LEASE_SERVICE_URL;
  const storage = flag(args, "storage");
  if (serviceUrl && storage) {
    throw new UsageError("use either --service (the lease service) or --storage, not both");
  }
  let backend: LeaseBackend;
  if (storage) {
    backend = { kind: "storage", config: storageConfig(args, env, storage) };
  } else if (serviceUrl) {
    if (!/^https?:\/\//.test(serviceUrl)) {
      throw new UsageError(`--service must be an http(s) URL, got "${serviceUrl}"`);
    }
    const token = flag(args, "token") ?? env.HIGHLANDER_LEASE_TOKEN;
    if (!token) throw new UsageError("--service needs --token or HIGHLANDER_LEASE_TOKEN");
    // An IAM-protected deployment (--no-allow-unauthenticated) also wants a Google ID token; Cloud
    // Run reads it from X-Serverless-Authorization so Authorization stays ours.
    const idToken = env.HIGHLANDER_LEASE_ID_TOKEN;
    backend = {
      kind: "service",
      serviceUrl,
      token,
      headers: idToken ? { "x-serverless-authorization": `Bearer ${idToken}` } : {},
    };
  } else {
    throw new UsageError(
      "run needs --service URL (or HIGHLANDER_LEASE_SERVICE_URL) or --storage redis|db|spanner|kubernetes",
    );
  }
  let timing: LeaseTiming;
  try {
    timing = resolveTiming({
      leaseDurationMs: duration(args, "lease-duration", RUN_DEFAULTS.leaseDurationMs),
      renewDeadlineMs: duration(args, "renew-deadline", RUN_DEFAULTS.renewDeadlineMs),
      retryPeriodMs: duration(args, "retry-period", RUN_DEFAULTS.retryPeriodMs),
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return {
    lease,
    key: leaseKeyFor(lease),
    backend,
    holder: flag(args, "holder") || undefined,
    clusterName: flag(args, "cluster-name") ?? env.HIGHLANDER_CLUSTER_NAME ?? "",
    timing,
    gracePeriodMs: duration(args, "grace-period", RUN_DEFAULTS.gracePeriodMs),
    command: args.rest,
  };
}
