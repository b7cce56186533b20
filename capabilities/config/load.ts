// Loads the configuration: flags > HIGHLANDER_* environment > YAML file > defaults, then validates
// everything and reports every problem at once (fixing one typo per restart is slow in a cluster).
import { readFileSync } from "node:fs";
import { hostname as osHostname } from "node:os";
import type { ReadAuthMode } from "../http/auth";
import type { LogLevel } from "../logging/levels";
import { coerce } from "./coerce";
import { envLayer, type Env } from "./env-layer";
import { fileLayer } from "./file-layer";
import { flagLayer } from "./flag-layer";
import {
  CONFIG_FILE_ENV,
  CONFIG_FILE_FLAG,
  CONFIG_KEYS,
  DEFAULT_CONFIG_PATH,
  PREDECESSOR_CONFIG_FILE_ENV,
  UNSUPPORTED_ENV,
} from "./keys";
import { effectiveLease } from "./lease";
import { mergeLayers, type Layer, type RawValue } from "./layer";
import type { HighlanderConfig, StorageType } from "./types";
import { validateValues } from "./validate";
import { parseWorkloads } from "./workloads";

export interface LoadInput {
  /** Command-line arguments without node and script, e.g. process.argv.slice(2). */
  argv?: readonly string[];
  env?: Env;
  /** Reads a file as UTF-8; throws an error with code "ENOENT" when it does not exist. */
  readFile?: (path: string) => string;
  /** For the default id; os.hostname() when omitted. */
  hostname?: string;
}

interface ConfigFileInfo {
  path: string;
  /** Named by --config or HIGHLANDER_CONFIG (then it must exist), or the default path. */
  explicit: boolean;
  found: boolean;
}

export interface ResolveResult {
  /** Present only when there are no problems. */
  config?: HighlanderConfig;
  problems: string[];
  warnings: string[];
  configFile: ConfigFileInfo;
  /** Where each key's value came from: "flag --port", "env HIGHLANDER_PORT", "file …", "default". */
  origins: Record<string, string>;
}

export interface LoadResult {
  config: HighlanderConfig;
  warnings: string[];
  configFile: ConfigFileInfo;
  origins: Record<string, string>;
}

/** Thrown by loadConfig; `problems` lists every problem, and the message shows them all. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map(p => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Like loadConfig, but returns problems instead of throwing. */
export function resolveConfig(input: LoadInput = {}): ResolveResult {
  const env = input.env ?? process.env;
  const readFile = input.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const flags = flagLayer(input.argv ?? []);
  const envValues = envLayer(env);

  const fromFlag = flags.configPath;
  const envName = [CONFIG_FILE_ENV, PREDECESSOR_CONFIG_FILE_ENV].find(n => (env[n] ?? "") !== "");
  const fromEnv = envName !== undefined ? env[envName] : undefined;
  const path = fromFlag ?? fromEnv ?? DEFAULT_CONFIG_PATH;
  const namedBy = fromFlag !== undefined ? CONFIG_FILE_FLAG : envName;
  const configFile: ConfigFileInfo = { path, explicit: namedBy !== undefined, found: false };

  const layers: Layer[] = [flags.layer, envValues];
  let workloadSection: unknown;
  const fileProblems: string[] = [];
  let text: string | undefined;
  try {
    text = readFile(path);
    configFile.found = true;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === "ENOENT";
    if (!missing) fileProblems.push(`config file ${path}: cannot be read: ${errorMessage(error)}`);
    else if (namedBy !== undefined)
      fileProblems.push(`config file ${path}: not found (named by ${namedBy})`);
  }
  if (text !== undefined) {
    const file = fileLayer(text, path);
    layers.push(file.layer);
    workloadSection = file.workloads;
  }

  const problems = [...layers.flatMap(l => l.problems), ...fileProblems];
  const warnings = layers.flatMap(l => l.warnings);
  for (const [name, reason] of Object.entries(UNSUPPORTED_ENV))
    if ((env[name] ?? "") !== "") warnings.push(`${name}: ${reason}`);
  const merged = mergeLayers(layers);
  const hostname = input.hostname ?? osHostname();

  const values = new Map<string, string | number | boolean>();
  const origins: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const given = merged.get(key.path);
    const value: RawValue = given ?? {
      raw: typeof key.default === "function" ? key.default({ hostname }) : key.default,
      origin: "default",
    };
    origins[key.path] = value.origin;
    const result = coerce(key, value);
    if (result.ok) values.set(key.path, result.value);
    else problems.push(result.problem);
  }
  problems.push(...validateValues(values));

  const namespace = values.get("namespace");
  const parsed = parseWorkloads(
    workloadSection,
    typeof namespace === "string" ? namespace : "default",
  );
  problems.push(...parsed.problems);
  warnings.push(...parsed.warnings);

  if (problems.length > 0) return { problems, warnings, configFile, origins };
  return { config: assemble(values, parsed.workloads), problems, warnings, configFile, origins };
}

/** Loads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(input: LoadInput = {}): LoadResult {
  const result = resolveConfig(input);
  if (result.config === undefined) throw new ConfigError(result.problems);
  return {
    config: result.config,
    warnings: result.warnings,
    configFile: result.configFile,
    origins: result.origins,
  };
}

/** Builds the typed object; called only when every key parsed, so each lookup has its type. */
function assemble(
  values: ReadonlyMap<string, string | number | boolean>,
  workloads: HighlanderConfig["workloads"],
): HighlanderConfig {
  const s = (path: string): string => String(values.get(path));
  const n = (path: string): number => Number(values.get(path));
  const b = (path: string): boolean => values.get(path) === true;
  return {
    id: s("id"),
    tenant: s("tenant"),
    port: n("port"),
    namespace: s("namespace"),
    remainsFollower: b("remainsFollower"),
    storageType: s("storageType") as StorageType,
    redis: {
      addr: s("redis.addr"),
      password: s("redis.password"),
      db: n("redis.db"),
      tls: b("redis.tls"),
    },
    databaseURL: s("databaseURL"),
    spanner: {
      projectID: s("spanner.projectID"),
      instanceID: s("spanner.instanceID"),
      databaseID: s("spanner.databaseID"),
    },
    cluster: { name: s("cluster.name"), kubeconfig: s("cluster.kubeconfig") },
    terminationGracePeriodMs: n("terminationGracePeriod"),
    lease: {
      durationMs: n("lease.duration"),
      ...effectiveLease(n("lease.duration"), n("lease.renewDeadline"), n("lease.renewInterval")),
      retryPeriodMs: n("lease.retryPeriod"),
      stepDownAtRenewDeadline: b("lease.stepDownAtRenewDeadline"),
    },
    leaseNamespace: s("leaseNamespace"),
    readyOnlyWhenLeader: b("readyOnlyWhenLeader"),
    logLevel: s("logLevel") as LogLevel,
    http: {
      bindAddress: s("http.bindAddress"),
      allowedHosts: commaList(s("http.allowedHosts")).map(h => h.toLowerCase()),
    },
    api: {
      token: s("api.token"),
      tokenFile: s("api.tokenFile"),
      readAuth: s("api.readAuth") as ReadAuthMode,
    },
    watchNamespaces: commaList(s("watchNamespaces")),
    workloads,
  };
}

function commaList(value: string): string[] {
  return value
    .split(",")
    .map(item => item.trim())
    .filter(item => item !== "");
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
