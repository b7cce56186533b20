// Every scalar configuration key in one table: its YAML path, type, environment variables, flag and
// default. Loading, validation and the documentation test all read this table, so a key cannot be
// added in one place and forgotten in another. Workloads are not scalars and live in workloads.ts.
import { READ_AUTH_MODES } from "../http/auth";
import { LOG_LEVELS } from "../logging/levels";
import { STORAGE_TYPES } from "./types";

type KeyKind = "string" | "int" | "bool" | "duration" | "enum";

export interface KeySpec {
  /** YAML path, e.g. "redis.db". */
  path: string;
  kind: KeyKind;
  /** Environment variables, highest precedence first; later ones are the predecessor's aliases. */
  env: readonly string[];
  flag?: string;
  /** Used when no source sets the key; a function for values known only at run time (hostname). */
  default: string | number | boolean | ((ctx: DefaultContext) => string);
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** Never printed: masked in describeConfig and in problems. */
  secret?: boolean;
  description: string;
}

interface DefaultContext {
  hostname: string;
}

export const CONFIG_KEYS: readonly KeySpec[] = [
  {
    path: "id",
    kind: "string",
    env: ["HIGHLANDER_ID"],
    flag: "--id",
    default: ctx => ctx.hostname,
    description: "This instance's identity in the lock (the pod name in a Deployment)",
  },
  {
    path: "tenant",
    kind: "string",
    env: ["HIGHLANDER_TENANT"],
    flag: "--tenant",
    default: "default",
    description: "Instances of one tenant elect one leader; tenants are independent",
  },
  {
    path: "port",
    kind: "int",
    env: ["HIGHLANDER_PORT"],
    flag: "--port",
    default: 8080,
    min: 0,
    max: 65535,
    description: "HTTP port of the dashboard, API, probes and /metrics (0: any free port)",
  },
  {
    path: "namespace",
    kind: "string",
    env: ["HIGHLANDER_NAMESPACE"],
    flag: "--namespace",
    default: "default",
    description: "Default namespace of workloads declared in this file",
  },
  {
    path: "remainsFollower",
    kind: "bool",
    env: ["HIGHLANDER_REMAINS_FOLLOWER"],
    flag: "--remains-follower",
    default: false,
    description: "Observer: never tries to become leader",
  },
  {
    path: "storageType",
    kind: "enum",
    env: ["HIGHLANDER_STORAGE_TYPE"],
    flag: "--storage-type",
    default: "kubernetes",
    choices: STORAGE_TYPES,
    description: "Where the leader lock lives",
  },
  {
    path: "redis.addr",
    kind: "string",
    env: ["HIGHLANDER_REDIS_ADDR"],
    flag: "--redis-addr",
    default: "",
    description: "Redis host:port (or redis:// / rediss:// URL); required for storageType redis",
  },
  {
    path: "redis.password",
    kind: "string",
    env: ["HIGHLANDER_REDIS_PASSWORD"],
    flag: "--redis-password",
    default: "",
    secret: true,
    description: "Redis password (prefer the variable: flags are visible in `ps`)",
  },
  {
    path: "redis.db",
    kind: "int",
    env: ["HIGHLANDER_REDIS_DB"],
    flag: "--redis-db",
    default: 0,
    min: 0,
    description: "Redis database number",
  },
  {
    path: "redis.tls",
    kind: "bool",
    env: ["HIGHLANDER_REDIS_TLS"],
    flag: "--redis-tls",
    default: false,
    description: "Connect to Redis over TLS",
  },
  {
    path: "databaseURL",
    kind: "string",
    env: ["HIGHLANDER_DATABASE_URL"],
    flag: "--database-url",
    default: "",
    secret: true,
    description:
      "PostgreSQL URL (postgres://user:password@host:5432/db); required for storageType db",
  },
  {
    path: "spanner.projectID",
    kind: "string",
    env: ["HIGHLANDER_SPANNER_PROJECT_ID"],
    flag: "--spanner-project-id",
    default: "",
    description: "Google Cloud project; required for storageType spanner",
  },
  {
    path: "spanner.instanceID",
    kind: "string",
    env: ["HIGHLANDER_SPANNER_INSTANCE_ID"],
    flag: "--spanner-instance-id",
    default: "highlander-instance",
    description: "Spanner instance",
  },
  {
    path: "spanner.databaseID",
    kind: "string",
    env: ["HIGHLANDER_SPANNER_DATABASE_ID"],
    flag: "--spanner-database-id",
    default: "highlander-db",
    description: "Spanner database",
  },
  {
    path: "cluster.name",
    kind: "string",
    env: ["HIGHLANDER_CLUSTER_NAME"],
    flag: "--cluster-name",
    default: "default",
    description: "Name of the cluster this instance runs in, shown in the lock and dashboard",
  },
  {
    path: "cluster.kubeconfig",
    kind: "string",
    env: ["HIGHLANDER_KUBECONFIG"],
    flag: "--kubeconfig",
    default: "",
    description: "Kubeconfig file; empty: in-cluster service account",
  },
  {
    path: "terminationGracePeriod",
    kind: "duration",
    env: ["HIGHLANDER_TERMINATION_GRACE_PERIOD"],
    flag: "--termination-grace-period",
    default: "30s",
    description: "How long shutdown may take to stop workloads before the lock is released",
  },
  // The defaults take over from a crashed leader in about 3.5 s and hand over on a graceful stop in
  // well under a second. They are safe because the API server refuses a stale leader's writes (the
  // fence), so a leader that cannot renew keeps its term until another has advanced the fence
  // (docs/storage.md, "Liveness and safety"). client-go's 15s/10s/2s stay one setting away
  // (docs/configuration.md, "Lease timings").
  {
    path: "lease.duration",
    kind: "duration",
    // HIGHLANDER_LEADER_LOCK_TTL: the predecessor's documented (never read) lock TTL. A lock TTL
    // is exactly how long a silent leader keeps the lock, i.e. the lease duration.
    env: ["HIGHLANDER_LEASE_DURATION", "HIGHLANDER_LEADER_LOCK_TTL"],
    flag: "--lease-duration",
    default: "3s",
    description: "How long a leader that stops renewing keeps the lock (crash failover time)",
  },
  {
    path: "lease.renewDeadline",
    kind: "duration",
    env: ["HIGHLANDER_RENEW_DEADLINE"],
    flag: "--renew-deadline",
    default: "0s",
    description:
      "Timeout of one lock call; a leader that has not renewed within this long steps down only when the fence is not enforced, or with lease.stepDownAtRenewDeadline (0s: two thirds of lease.duration)",
  },
  {
    path: "lease.retryPeriod",
    kind: "duration",
    env: ["HIGHLANDER_RETRY_PERIOD"],
    flag: "--retry-period",
    default: "250ms",
    description: "How often standbys look at the lock (and take it when free or expired)",
  },
  {
    path: "lease.renewInterval",
    kind: "duration",
    // HIGHLANDER_LEADER_RENEW_INTERVAL: the predecessor's "how often the leader renews".
    env: ["HIGHLANDER_RENEW_INTERVAL", "HIGHLANDER_LEADER_RENEW_INTERVAL"],
    flag: "--renew-interval",
    default: "0s",
    description:
      "How often the leader renews (0s: a third of lease.duration, at most half of lease.renewDeadline)",
  },
  {
    path: "lease.stepDownAtRenewDeadline",
    kind: "bool",
    env: ["HIGHLANDER_STEP_DOWN_AT_RENEW_DEADLINE"],
    flag: "--step-down-at-renew-deadline",
    default: false,
    description:
      "client-go's rule: a leader that could not renew within lease.renewDeadline stops acting, even when the API server enforces the fence",
  },
  {
    path: "leaseNamespace",
    kind: "string",
    env: ["HIGHLANDER_LEASE_NAMESPACE"],
    flag: "--lease-namespace",
    default: "pepr-system",
    description: "Namespace of the Lease object (storageType kubernetes)",
  },
  {
    path: "readyOnlyWhenLeader",
    kind: "bool",
    env: ["HIGHLANDER_READY_ONLY_WHEN_LEADER"],
    flag: "--ready-only-when-leader",
    default: false,
    description: "/readyz succeeds only on the leader (route a Service to the leader only)",
  },
  {
    path: "http.bindAddress",
    kind: "string",
    env: ["HIGHLANDER_BIND_ADDRESS"],
    flag: "--bind-address",
    default: "",
    description:
      "Address the HTTP port listens on (empty: every interface, as a pod needs for probes)",
  },
  {
    path: "http.allowedHosts",
    kind: "string",
    env: ["HIGHLANDER_ALLOWED_HOSTS"],
    flag: "--allowed-hosts",
    default: "",
    description:
      "Comma-separated host names the HTTP port answers to, besides IP addresses, localhost and *.svc names",
  },
  {
    path: "watchNamespaces",
    kind: "string",
    env: ["HIGHLANDER_WATCH_NAMESPACES"],
    flag: "--watch-namespaces",
    default: "",
    description:
      "Comma-separated namespaces the operator watches and manages (empty: every namespace); workloads elsewhere are left alone",
  },
  {
    path: "api.token",
    kind: "string",
    env: ["HIGHLANDER_API_TOKEN"],
    flag: "--api-token",
    default: "",
    secret: true,
    description:
      "Bearer token that may call mutating API routes (step-down); empty: TokenReview only",
  },
  {
    path: "api.tokenFile",
    kind: "string",
    env: ["HIGHLANDER_API_TOKEN_FILE"],
    flag: "--api-token-file",
    default: "",
    description: "File holding that bearer token (a mounted Secret), re-read on every request",
  },
  {
    path: "api.readAuth",
    kind: "enum",
    env: ["HIGHLANDER_API_READ_AUTH"],
    flag: "--api-read-auth",
    default: "open",
    choices: READ_AUTH_MODES,
    description:
      "Who may call the read routes (dashboard, /api/*, /metrics; never the probes): open, token (the api.token bearer only) or kubernetes (that token, or a Kubernetes token RBAC lets get leaders.highlander.plexobject.io)",
  },
  {
    path: "logLevel",
    kind: "enum",
    env: ["HIGHLANDER_LOG_LEVEL"],
    flag: "--log-level",
    default: "info",
    choices: LOG_LEVELS,
    description: "trace, debug, info, warn or error",
  },
];

/** The config-file variable and flag, which choose the file rather than a key in it. */
export const CONFIG_FILE_ENV = "HIGHLANDER_CONFIG";
/** The predecessor's name for the same variable, honoured when HIGHLANDER_CONFIG is unset. */
export const PREDECESSOR_CONFIG_FILE_ENV = "HIGHLANDER_CONFIG_FILE";

/**
 * The predecessor's variables that have no setting here, each with why: set, they log a warning at
 * load instead of being ignored silently.
 */
export const UNSUPPORTED_ENV: Readonly<Record<string, string>> = {
  HIGHLANDER_METRICS_PORT:
    "ignored: metrics are served at /metrics on the HTTP port (HIGHLANDER_PORT); point the scrape there",
  HIGHLANDER_METRICS_PATH: "ignored: the metrics path is always /metrics",
  HIGHLANDER_LOG_FORMAT: "ignored: logs are always JSON lines (one object per line)",
};
export const CONFIG_FILE_FLAG = "--config";
export const DEFAULT_CONFIG_PATH = "/etc/highlander/config.yaml";

export function keyByPath(path: string): KeySpec | undefined {
  return CONFIG_KEYS.find(k => k.path === path);
}
