import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS } from "./keys";
import { ConfigError, loadConfig, resolveConfig, type LoadInput } from "./load";
import type { HighlanderConfig } from "./types";

const FIXTURES = join(__dirname, "fixtures");
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");

/** A readFile that serves the given files and fails like fs for anything else. */
function files(contents: Record<string, string>): (path: string) => string {
  return path => {
    const text = contents[path];
    if (text === undefined) {
      throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: "ENOENT" });
    }
    return text;
  };
}

function load(input: LoadInput) {
  return loadConfig({ hostname: "pod-xyz", readFile: files({}), env: {}, ...input });
}

function problemsOf(input: LoadInput): string[] {
  return resolveConfig({ hostname: "pod-xyz", readFile: files({}), env: {}, ...input }).problems;
}

/** Reads a key's resolved value by its YAML path (durations in ms). */
function valueAt(config: HighlanderConfig, path: string): unknown {
  const table: Record<string, unknown> = {
    id: config.id,
    "http.bindAddress": config.http.bindAddress,
    "http.allowedHosts": config.http.allowedHosts,
    watchNamespaces: config.watchNamespaces,
    "api.token": config.api.token,
    "api.tokenFile": config.api.tokenFile,
    "api.readAuth": config.api.readAuth,
    tenant: config.tenant,
    port: config.port,
    namespace: config.namespace,
    remainsFollower: config.remainsFollower,
    storageType: config.storageType,
    "redis.addr": config.redis.addr,
    "redis.password": config.redis.password,
    "redis.db": config.redis.db,
    "redis.tls": config.redis.tls,
    databaseURL: config.databaseURL,
    "spanner.projectID": config.spanner.projectID,
    "spanner.instanceID": config.spanner.instanceID,
    "spanner.databaseID": config.spanner.databaseID,
    "cluster.name": config.cluster.name,
    "cluster.kubeconfig": config.cluster.kubeconfig,
    terminationGracePeriod: config.terminationGracePeriodMs,
    "lease.duration": config.lease.durationMs,
    "lease.renewDeadline": config.lease.renewDeadlineMs,
    "lease.retryPeriod": config.lease.retryPeriodMs,
    "lease.renewInterval": config.lease.renewIntervalMs,
    "lease.stepDownAtRenewDeadline": config.lease.stepDownAtRenewDeadline,
    leaseNamespace: config.leaseNamespace,
    readyOnlyWhenLeader: config.readyOnlyWhenLeader,
    logLevel: config.logLevel,
  };
  if (!(path in table)) throw new Error(`test table lacks ${path}`);
  return table[path];
}

describe("defaults", () => {
  it("without file, environment or flags", () => {
    const { config, configFile } = load({});
    expect(configFile).toEqual({
      path: "/etc/highlander/config.yaml",
      explicit: false,
      found: false,
    });
    expect(config).toEqual({
      id: "pod-xyz",
      tenant: "default",
      port: 8080,
      namespace: "default",
      remainsFollower: false,
      storageType: "kubernetes",
      redis: { addr: "", password: "", db: 0, tls: false },
      databaseURL: "",
      spanner: { projectID: "", instanceID: "highlander-instance", databaseID: "highlander-db" },
      cluster: { name: "default", kubeconfig: "" },
      terminationGracePeriodMs: 30_000,
      lease: {
        durationMs: 3_000,
        renewDeadlineMs: 2_000,
        retryPeriodMs: 250,
        renewIntervalMs: 1_000,
        stepDownAtRenewDeadline: false,
      },
      leaseNamespace: "pepr-system",
      readyOnlyWhenLeader: false,
      logLevel: "info",
      http: { bindAddress: "", allowedHosts: [] },
      watchNamespaces: [],
      api: { token: "", tokenFile: "", readAuth: "open" },
      workloads: [],
    } satisfies HighlanderConfig);
  });

  it("takes the id from the real hostname when none is injected", () => {
    const { config } = loadConfig({ env: {}, readFile: files({}) });
    expect(config.id.length).toBeGreaterThan(0);
  });

  it("reads /etc/highlander/config.yaml when it exists", () => {
    const { config, configFile } = load({
      readFile: files({ "/etc/highlander/config.yaml": "tenant: from-default-path" }),
    });
    expect(config.tenant).toBe("from-default-path");
    expect(configFile.found).toBe(true);
  });
});

describe("the predecessor's sample config", () => {
  it("loads unchanged, with its workload", () => {
    const { config, warnings } = load({
      argv: ["--config", "/cfg.yaml"],
      readFile: files({ "/cfg.yaml": fixture("predecessor-readme.yaml") }),
    });
    expect(warnings).toEqual([]);
    expect(config.id).toBe("controller-1");
    expect(config.tenant).toBe("default");
    expect(config.namespace).toBe("default");
    expect(config.redis.addr).toBe("redis:6379");
    expect(config.workloads).toEqual([
      {
        kind: "WorkloadProcess",
        name: "singleton-processor",
        namespace: "default",
        source: "workloads.processes[0]",
        spec: {
          image: "busybox:latest",
          script: {
            commands: [
              "echo 'Starting singleton processor'",
              "while true; do echo 'Processing...'; sleep 60; done",
            ],
            shell: "/bin/sh",
          },
          resources: { cpuRequest: "100m", memoryRequest: "64Mi" },
          restartPolicy: "Never",
        },
      },
    ]);
  });

  it("treats an empty id as unset, as the predecessor's HA example relies on", () => {
    const { config } = load({
      readFile: files({ "/etc/highlander/config.yaml": 'id: ""  # use hostname\n' }),
    });
    expect(config.id).toBe("pod-xyz");
  });
});

describe("a file setting every key", () => {
  it("sets each one", () => {
    const { config, origins } = load({
      env: { HIGHLANDER_CONFIG: "/full.yaml" },
      readFile: files({ "/full.yaml": fixture("full.yaml") }),
    });
    expect(config).toMatchObject({
      id: "file-id",
      tenant: "team-a",
      port: 9191,
      namespace: "apps",
      remainsFollower: false,
      storageType: "db",
      redis: { addr: "redis.example:6380", password: "redis-secret", db: 3, tls: true },
      databaseURL: "postgres://highlander:db-secret@pg.example:5432/locks?sslmode=disable",
      spanner: { projectID: "my-project", instanceID: "my-instance", databaseID: "my-db" },
      cluster: { name: "primary", kubeconfig: "/etc/kube/config" },
      terminationGracePeriodMs: 45_000,
      lease: {
        durationMs: 20_000,
        renewDeadlineMs: 12_000,
        retryPeriodMs: 3_000,
        renewIntervalMs: 4_000,
        stepDownAtRenewDeadline: true,
      },
      leaseNamespace: "highlander-system",
      readyOnlyWhenLeader: true,
      logLevel: "debug",
      http: { bindAddress: "10.0.0.5", allowedHosts: ["highlander.example", "ops.example"] },
      api: {
        token: "file-api-token",
        tokenFile: "/etc/highlander/api-token",
        readAuth: "kubernetes",
      },
      watchNamespaces: ["apps", "batch"],
    });
    for (const key of CONFIG_KEYS) {
      if (key.path !== "remainsFollower") expect(origins[key.path]).toBe("file /full.yaml");
    }
    expect(config.workloads.map(w => [w.kind, w.namespace, w.name])).toEqual([
      ["WorkloadProcess", "apps", "worker"],
      ["WorkloadCronJob", "batch", "nightly"],
      ["WorkloadService", "apps", "admin-api"],
      ["WorkloadPersistent", "apps", "queue"],
    ]);
    expect(config.workloads[1]?.spec).toEqual({ image: "busybox:latest", schedule: "0 2 * * *" });
  });
});

/**
 * For every key: a file value, an environment value and a flag value, all valid and all different,
 * with the typed value each must produce. Drives the precedence test below.
 */
const SAMPLES: Record<
  string,
  { file: unknown; env: string; flag: string; expect: [unknown, unknown, unknown] }
> = {
  "http.bindAddress": {
    file: "10.0.0.1",
    env: "10.0.0.2",
    flag: "127.0.0.1",
    expect: ["10.0.0.1", "10.0.0.2", "127.0.0.1"],
  },
  "http.allowedHosts": {
    file: "a.example, B.example",
    env: "e.example",
    flag: "f.example",
    expect: [["a.example", "b.example"], ["e.example"], ["f.example"]],
  },
  watchNamespaces: {
    file: "team-a, team-b",
    env: "team-e",
    flag: "team-f",
    expect: [["team-a", "team-b"], ["team-e"], ["team-f"]],
  },
  "api.token": { file: "tf", env: "te", flag: "tg", expect: ["tf", "te", "tg"] },
  // "token" is left out: without api.token it is refused (see validate.ts).
  "api.readAuth": {
    file: "kubernetes",
    env: "open",
    flag: "kubernetes",
    expect: ["kubernetes", "open", "kubernetes"],
  },
  "api.tokenFile": { file: "/f", env: "/e", flag: "/g", expect: ["/f", "/e", "/g"] },
  id: { file: "file-id", env: "env-id", flag: "flag-id", expect: ["file-id", "env-id", "flag-id"] },
  tenant: { file: "file-t", env: "env-t", flag: "flag-t", expect: ["file-t", "env-t", "flag-t"] },
  port: { file: 1111, env: "2222", flag: "3333", expect: [1111, 2222, 3333] },
  namespace: {
    file: "file-ns",
    env: "env-ns",
    flag: "flag-ns",
    expect: ["file-ns", "env-ns", "flag-ns"],
  },
  remainsFollower: { file: true, env: "false", flag: "true", expect: [true, false, true] },
  storageType: { file: "redis", env: "db", flag: "spanner", expect: ["redis", "db", "spanner"] },
  "redis.addr": {
    file: "file:1",
    env: "env:2",
    flag: "flag:3",
    expect: ["file:1", "env:2", "flag:3"],
  },
  "redis.password": { file: "pf", env: "pe", flag: "pg", expect: ["pf", "pe", "pg"] },
  "redis.db": { file: 1, env: "2", flag: "3", expect: [1, 2, 3] },
  "redis.tls": { file: true, env: "false", flag: "true", expect: [true, false, true] },
  databaseURL: {
    file: "postgres://u@file/db",
    env: "postgres://u@env/db",
    flag: "postgresql://u@flag/db",
    expect: ["postgres://u@file/db", "postgres://u@env/db", "postgresql://u@flag/db"],
  },
  "spanner.projectID": {
    file: "p-file",
    env: "p-env",
    flag: "p-flag",
    expect: ["p-file", "p-env", "p-flag"],
  },
  "spanner.instanceID": {
    file: "i-file",
    env: "i-env",
    flag: "i-flag",
    expect: ["i-file", "i-env", "i-flag"],
  },
  "spanner.databaseID": {
    file: "d-file",
    env: "d-env",
    flag: "d-flag",
    expect: ["d-file", "d-env", "d-flag"],
  },
  "cluster.name": {
    file: "c-file",
    env: "c-env",
    flag: "c-flag",
    expect: ["c-file", "c-env", "c-flag"],
  },
  "cluster.kubeconfig": {
    file: "/file",
    env: "/env",
    flag: "/flag",
    expect: ["/file", "/env", "/flag"],
  },
  terminationGracePeriod: { file: "10s", env: "20s", flag: "30", expect: [10_000, 20_000, 30_000] },
  "lease.duration": { file: "20s", env: "30s", flag: "40", expect: [20_000, 30_000, 40_000] },
  "lease.renewDeadline": {
    file: "2500ms",
    env: "2600ms",
    flag: "2700ms",
    expect: [2_500, 2_600, 2_700],
  },
  "lease.retryPeriod": { file: "1s", env: "1100ms", flag: "1300ms", expect: [1_000, 1_100, 1_300] },
  "lease.renewInterval": { file: "500ms", env: "600ms", flag: "700ms", expect: [500, 600, 700] },
  "lease.stepDownAtRenewDeadline": {
    file: true,
    env: "false",
    flag: "true",
    expect: [true, false, true],
  },
  leaseNamespace: {
    file: "ln-file",
    env: "ln-env",
    flag: "ln-flag",
    expect: ["ln-file", "ln-env", "ln-flag"],
  },
  readyOnlyWhenLeader: { file: true, env: "false", flag: "true", expect: [true, false, true] },
  logLevel: { file: "debug", env: "warn", flag: "error", expect: ["debug", "warn", "error"] },
};

/** A YAML document setting `path` to `value`, plus what every storage type requires. */
function yamlWith(path: string, value: unknown): string {
  const doc: Record<string, Record<string, unknown> | unknown> = {
    redis: { addr: "base:6379" },
    databaseURL: "postgres://u@base/db",
    spanner: { projectID: "base" },
  };
  const [top, sub] = path.split(".") as [string, string | undefined];
  if (sub === undefined) doc[top] = value;
  else doc[top] = { ...((doc[top] as Record<string, unknown> | undefined) ?? {}), [sub]: value };
  return JSON.stringify(doc); // JSON is YAML
}

describe("precedence: flags > environment > file > defaults", () => {
  it("has a sample for every key", () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(CONFIG_KEYS.map(k => k.path).sort());
  });

  for (const key of CONFIG_KEYS) {
    const sample = SAMPLES[key.path];
    if (sample === undefined || key.flag === undefined) continue;
    const env = key.env[0] ?? "";
    const file = { "/c.yaml": yamlWith(key.path, sample.file) };
    const argv = ["--config=/c.yaml"];

    it(`${key.path}: file, then ${env}, then ${key.flag}`, () => {
      const fromFile = load({ argv, readFile: files(file) });
      expect(valueAt(fromFile.config, key.path)).toEqual(sample.expect[0]);
      expect(fromFile.origins[key.path]).toBe("file /c.yaml");

      const fromEnv = load({ argv, readFile: files(file), env: { [env]: sample.env } });
      expect(valueAt(fromEnv.config, key.path)).toEqual(sample.expect[1]);
      expect(fromEnv.origins[key.path]).toBe(`env ${env}`);

      const fromFlag = load({
        argv: [...argv, `${key.flag}=${sample.flag}`],
        readFile: files(file),
        env: { [env]: sample.env },
      });
      expect(valueAt(fromFlag.config, key.path)).toEqual(sample.expect[2]);
      expect(fromFlag.origins[key.path]).toBe(`flag ${key.flag}`);
    });

    it(`${key.path}: an empty ${env} overrides nothing`, () => {
      const result = load({ argv, readFile: files(file), env: { [env]: "" } });
      expect(valueAt(result.config, key.path)).toEqual(sample.expect[0]);
    });
  }
});

describe("environment variables", () => {
  it("covers every variable the predecessor and the brief name", () => {
    const all = CONFIG_KEYS.flatMap(k => k.env);
    for (const name of [
      "HIGHLANDER_ID",
      "HIGHLANDER_TENANT",
      "HIGHLANDER_PORT",
      "HIGHLANDER_NAMESPACE",
      "HIGHLANDER_STORAGE_TYPE",
      "HIGHLANDER_REDIS_ADDR",
      "HIGHLANDER_REDIS_PASSWORD",
      "HIGHLANDER_REDIS_DB",
      "HIGHLANDER_DATABASE_URL",
      "HIGHLANDER_KUBECONFIG",
      "HIGHLANDER_CLUSTER_NAME",
      "HIGHLANDER_SPANNER_PROJECT_ID",
      "HIGHLANDER_SPANNER_INSTANCE_ID",
      "HIGHLANDER_SPANNER_DATABASE_ID",
      "HIGHLANDER_LOG_LEVEL",
      "HIGHLANDER_LEADER_LOCK_TTL",
      "HIGHLANDER_LEADER_RENEW_INTERVAL",
      "HIGHLANDER_LEASE_DURATION",
      "HIGHLANDER_RENEW_DEADLINE",
      "HIGHLANDER_RETRY_PERIOD",
      "HIGHLANDER_RENEW_INTERVAL",
      "HIGHLANDER_STEP_DOWN_AT_RENEW_DEADLINE",
      "HIGHLANDER_REMAINS_FOLLOWER",
      "HIGHLANDER_READY_ONLY_WHEN_LEADER",
      "HIGHLANDER_LEASE_NAMESPACE",
    ]) {
      expect(all).toContain(name);
    }
  });

  it("maps the predecessor's lock TTL and renew interval (seconds) onto lease duration and renew interval", () => {
    const { config, origins } = load({
      env: {
        HIGHLANDER_LEADER_LOCK_TTL: "30",
        HIGHLANDER_LEADER_RENEW_INTERVAL: "5",
      },
    });
    // The renew deadline, unset, is two thirds of that lease.
    expect(config.lease).toEqual({
      durationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 250,
      renewIntervalMs: 5_000,
      stepDownAtRenewDeadline: false,
    });
    expect(origins["lease.duration"]).toBe("env HIGHLANDER_LEADER_LOCK_TTL");
  });

  it("prefers the explicit lease variables over the predecessor's, and says so", () => {
    const { config, warnings } = load({
      env: {
        HIGHLANDER_LEADER_LOCK_TTL: "100",
        HIGHLANDER_LEASE_DURATION: "20s",
        HIGHLANDER_LEADER_RENEW_INTERVAL: "9",
        HIGHLANDER_RENEW_INTERVAL: "1s",
        HIGHLANDER_RENEW_DEADLINE: "10s",
      },
    });
    expect(config.lease.durationMs).toBe(20_000);
    expect(config.lease.renewIntervalMs).toBe(1_000);
    expect(warnings).toContain(
      "HIGHLANDER_LEADER_LOCK_TTL is ignored: HIGHLANDER_LEASE_DURATION is set too and takes precedence",
    );
  });

  it("uses HIGHLANDER_CONFIG to find the file; --config beats it", () => {
    const readFile = files({ "/a.yaml": "tenant: a", "/b.yaml": "tenant: b" });
    expect(load({ env: { HIGHLANDER_CONFIG: "/a.yaml" }, readFile }).config.tenant).toBe("a");
    expect(
      load({ argv: ["--config", "/b.yaml"], env: { HIGHLANDER_CONFIG: "/a.yaml" }, readFile })
        .config.tenant,
    ).toBe("b");
  });

  it("accepts the usual spellings of booleans", () => {
    for (const [text, value] of [
      ["1", true],
      ["yes", true],
      ["TRUE", true],
      ["0", false],
      ["off", false],
    ] as const) {
      expect(load({ env: { HIGHLANDER_REMAINS_FOLLOWER: text } }).config.remainsFollower).toBe(
        value,
      );
    }
  });
});

describe("flags", () => {
  it("accept --name value and --name=value", () => {
    const { config } = load({ argv: ["--port", "9000", "--tenant=blue"] });
    expect(config.port).toBe(9000);
    expect(config.tenant).toBe("blue");
  });

  it("accept bare and negated booleans", () => {
    expect(load({ argv: ["--remains-follower"] }).config.remainsFollower).toBe(true);
    expect(load({ argv: ["--redis-tls=false"] }).config.redis.tls).toBe(false);
    expect(
      load({
        argv: ["--no-ready-only-when-leader"],
        env: { HIGHLANDER_READY_ONLY_WHEN_LEADER: "true" },
      }).config.readyOnlyWhenLeader,
    ).toBe(false);
  });

  it("report unknown flags, stray arguments and missing values, all at once", () => {
    expect(problemsOf({ argv: ["--bogus", "stray", "--port"] })).toEqual([
      "unknown flag --bogus",
      'unexpected argument "stray": flags look like --name=value',
      "--port: needs a value, e.g. --port=VALUE",
    ]);
  });

  it("treat an empty value like an empty variable: it overrides nothing", () => {
    expect(load({ argv: ["--tenant="], env: { HIGHLANDER_TENANT: "env-t" } }).config.tenant).toBe(
      "env-t",
    );
  });
});

describe("the config file", () => {
  it("must exist when named explicitly", () => {
    expect(problemsOf({ argv: ["--config", "/nope.yaml"] })).toEqual([
      "config file /nope.yaml: not found (named by --config)",
    ]);
    expect(problemsOf({ env: { HIGHLANDER_CONFIG: "/nope.yaml" } })).toEqual([
      "config file /nope.yaml: not found (named by HIGHLANDER_CONFIG)",
    ]);
  });

  it("reports read errors other than absence", () => {
    const problems = problemsOf({
      readFile: () => {
        throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      },
    });
    expect(problems).toEqual([
      "config file /etc/highlander/config.yaml: cannot be read: EACCES: permission denied",
    ]);
  });

  it("reports invalid YAML and non-mapping documents", () => {
    expect(
      problemsOf({ readFile: files({ "/etc/highlander/config.yaml": "id: [unclosed" }) })[0],
    ).toMatch(/^\/etc\/highlander\/config.yaml: not valid YAML: /);
    expect(
      problemsOf({ readFile: files({ "/etc/highlander/config.yaml": "- a\n- b\n" }) }),
    ).toEqual(["/etc/highlander/config.yaml: must be a YAML mapping of keys (id, tenant, ...)"]);
  });

  it("accepts an empty file as all defaults", () => {
    expect(
      load({ readFile: files({ "/etc/highlander/config.yaml": "# nothing\n" }) }).config.port,
    ).toBe(8080);
  });

  it("warns about unknown keys instead of failing", () => {
    const { warnings } = load({
      readFile: files({
        "/etc/highlander/config.yaml":
          "colour: blue\nredis:\n  cluster: true\nworkloads:\n  jobs: []\n",
      }),
    });
    expect(warnings).toEqual([
      "colour: unknown key, ignored (in /etc/highlander/config.yaml)",
      "redis.cluster: unknown key, ignored (in /etc/highlander/config.yaml)",
      "workloads.jobs: unknown key, ignored",
    ]);
  });

  it("rejects a section that is not a mapping", () => {
    expect(
      problemsOf({ readFile: files({ "/etc/highlander/config.yaml": "redis: localhost:6379\n" }) }),
    ).toEqual([
      'redis: must be a mapping, got "localhost:6379" (from file /etc/highlander/config.yaml)',
    ]);
  });

  it("takes numbers where strings are meant", () => {
    expect(
      load({ readFile: files({ "/etc/highlander/config.yaml": "tenant: 2024\n" }) }).config.tenant,
    ).toBe("2024");
  });
});

describe("validation", () => {
  it("names the key, the rule, the value and its source", () => {
    expect(problemsOf({ env: { HIGHLANDER_REDIS_DB: "x" } })).toEqual([
      'redis.db: must be an integer >= 0, got "x" (from env HIGHLANDER_REDIS_DB)',
    ]);
  });

  it("collects every problem, not just the first", () => {
    const problems = problemsOf({
      env: {
        HIGHLANDER_PORT: "99999",
        HIGHLANDER_REDIS_DB: "-1",
        HIGHLANDER_STORAGE_TYPE: "etcd",
        HIGHLANDER_LOG_LEVEL: "loud",
        HIGHLANDER_LEASE_DURATION: "soon",
        HIGHLANDER_REMAINS_FOLLOWER: "maybe",
      },
    });
    expect(problems).toEqual([
      'port: must be an integer from 0 to 65535, got "99999" (from env HIGHLANDER_PORT)',
      'remainsFollower: must be true or false, got "maybe" (from env HIGHLANDER_REMAINS_FOLLOWER)',
      'storageType: must be one of kubernetes, redis, db, spanner, got "etcd" (from env HIGHLANDER_STORAGE_TYPE)',
      'redis.db: must be an integer >= 0, got "-1" (from env HIGHLANDER_REDIS_DB)',
      'lease.duration: must be a duration such as "15s", "1m30s", "500ms" or a number of seconds, got "soon" (from env HIGHLANDER_LEASE_DURATION)',
      'logLevel: must be one of trace, debug, info, warn, error, got "loud" (from env HIGHLANDER_LOG_LEVEL)',
    ]);
  });

  it("never prints a secret, even when it is invalid", () => {
    const problems = problemsOf({
      readFile: files({ "/etc/highlander/config.yaml": "redis:\n  password: [a, b]\n" }),
    });
    expect(problems).toEqual([
      'redis.password: must be a string, got "****" (from file /etc/highlander/config.yaml)',
    ]);
  });

  it("requires redis.addr for redis, databaseURL for db, the Spanner ids for spanner", () => {
    expect(problemsOf({ env: { HIGHLANDER_STORAGE_TYPE: "redis" } })).toEqual([
      'redis.addr: is required when storageType is "redis"',
    ]);
    expect(problemsOf({ env: { HIGHLANDER_STORAGE_TYPE: "db" } })).toEqual([
      'databaseURL: is required when storageType is "db"',
    ]);
    expect(problemsOf({ env: { HIGHLANDER_STORAGE_TYPE: "spanner" } })).toEqual([
      'spanner.projectID: is required when storageType is "spanner"',
    ]);
    expect(
      load({ env: { HIGHLANDER_STORAGE_TYPE: "spanner", HIGHLANDER_SPANNER_PROJECT_ID: "p" } })
        .config.spanner,
    ).toEqual({
      projectID: "p",
      instanceID: "highlander-instance",
      databaseID: "highlander-db",
    });
  });

  it("checks address and URL formats", () => {
    expect(problemsOf({ env: { HIGHLANDER_REDIS_ADDR: "no-port" } })).toEqual([
      'redis.addr: must be host:port or a redis:// / rediss:// URL, got "no-port"',
    ]);
    expect(problemsOf({ env: { HIGHLANDER_REDIS_ADDR: "h:70000" } })).toEqual([
      'redis.addr: port must be from 1 to 65535, got "h:70000"',
    ]);
    for (const ok of ["localhost:6379", "[::1]:6379", "redis://:pw@h:6379/0", "rediss://h:6380"]) {
      expect(problemsOf({ env: { HIGHLANDER_REDIS_ADDR: ok } })).toEqual([]);
    }
    expect(problemsOf({ env: { HIGHLANDER_DATABASE_URL: "mysql://u@h/db" } })).toEqual([
      'databaseURL: must be a PostgreSQL URL like "postgres://user:password@host:5432/db"',
    ]);
  });

  it("checks names: tenant, namespaces, id, cluster", () => {
    expect(
      problemsOf({
        env: {
          HIGHLANDER_TENANT: "-bad-",
          HIGHLANDER_NAMESPACE: "Apps",
          HIGHLANDER_LEASE_NAMESPACE: "under_score",
          HIGHLANDER_ID: "has space",
        },
      }),
    ).toEqual([
      'id: must be at most 253 characters without spaces, got "has space"',
      `tenant: must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got "-bad-"`,
      `namespace: must be a namespace name (1-63 lowercase letters, digits or '-'), got "Apps"`,
      `leaseNamespace: must be a namespace name (1-63 lowercase letters, digits or '-'), got "under_score"`,
    ]);
  });

  describe("lease timings: leaseDuration > renewDeadline > 1.2 × retryPeriod", () => {
    it("accepts the defaults and a tight valid set", () => {
      expect(
        problemsOf({
          env: {
            HIGHLANDER_LEASE_DURATION: "4s",
            HIGHLANDER_RENEW_DEADLINE: "3s",
            HIGHLANDER_RETRY_PERIOD: "2s",
          },
        }),
      ).toEqual([]);
    });

    it("rejects a lease not longer than the renew deadline", () => {
      expect(
        problemsOf({ env: { HIGHLANDER_LEASE_DURATION: "2s", HIGHLANDER_RENEW_DEADLINE: "2s" } }),
      ).toEqual(["lease.duration: must be greater than lease.renewDeadline (2s), got 2s"]);
    });

    it("rejects a renew deadline within 1.2 retry periods", () => {
      expect(
        problemsOf({
          env: {
            HIGHLANDER_RENEW_DEADLINE: "10s",
            HIGHLANDER_LEASE_DURATION: "15s",
            HIGHLANDER_RETRY_PERIOD: "9s",
          },
        }),
      ).toEqual([
        "lease.renewDeadline: must be greater than 1.2 × lease.retryPeriod (10s800ms), got 10s",
      ]);
    });

    it("rejects a renew interval that does not fit the renew deadline more than 1.2 times", () => {
      expect(problemsOf({ env: { HIGHLANDER_RENEW_INTERVAL: "2s" } })).toEqual([
        "lease.renewInterval: must be less than lease.renewDeadline / 1.2 (1s667ms), got 2s",
      ]);
    });

    it("rejects zero", () => {
      expect(problemsOf({ env: { HIGHLANDER_RETRY_PERIOD: "0s" } })).toEqual([
        "lease.retryPeriod: must be greater than 0",
      ]);
    });

    it("does not cascade from a value that failed to parse", () => {
      expect(problemsOf({ env: { HIGHLANDER_RENEW_DEADLINE: "x" } })).toHaveLength(1);
    });
  });

  it("refuses readyOnlyWhenLeader on an observer", () => {
    expect(problemsOf({ argv: ["--remains-follower", "--ready-only-when-leader"] })).toEqual([
      "readyOnlyWhenLeader: cannot be true together with remainsFollower (an observer never leads, so it would never be ready)",
    ]);
  });
});

describe("workloads in the file", () => {
  const withWorkloads = (yaml: string) => ({
    readFile: files({ "/etc/highlander/config.yaml": yaml }),
  });

  it("get the configured namespace unless they name their own", () => {
    const { config } = load({
      ...withWorkloads(
        "namespace: apps\nworkloads:\n  services:\n    - name: a\n    - name: b\n      namespace: other\n",
      ),
      env: { HIGHLANDER_NAMESPACE: "from-env" },
    });
    expect(config.workloads.map(w => `${w.namespace}/${w.name}`)).toEqual([
      "from-env/a",
      "other/b",
    ]);
  });

  it("report missing and invalid names, bad namespaces, non-lists and duplicates", () => {
    const problems = problemsOf(
      withWorkloads(
        [
          "workloads:",
          "  processes:",
          "    - image: busybox",
          "    - name: Bad_Name",
          "    - name: ok",
          "      namespace: NOPE",
          "    - name: twin",
          "    - name: twin",
          "    - just-a-string",
          "  cronJobs: {}",
        ].join("\n"),
      ),
    );
    expect(problems).toEqual([
      "workloads.processes[0].name: is required",
      `workloads.processes[1].name: must be a Kubernetes name (lowercase letters, digits, '-', '.'), got "Bad_Name"`,
      'workloads.processes[2].namespace: must be a namespace name, got "NOPE"',
      "workloads.processes[4].name: duplicates workloads.processes[3] (WorkloadProcess default/twin)",
      "workloads.processes[5]: must be a mapping with at least a name",
      "workloads.cronJobs: must be a list",
    ]);
  });

  it("allow one name in two kinds", () => {
    const { config } = load(
      withWorkloads("workloads:\n  processes:\n    - name: same\n  services:\n    - name: same\n"),
    );
    expect(config.workloads).toHaveLength(2);
  });
});

describe("ConfigError", () => {
  it("carries every problem and lists them in its message", () => {
    let caught: unknown;
    try {
      load({ env: { HIGHLANDER_PORT: "x", HIGHLANDER_REDIS_DB: "y" } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(
      [
        "invalid configuration:",
        '  - port: must be an integer from 0 to 65535, got "x" (from env HIGHLANDER_PORT)',
        '  - redis.db: must be an integer >= 0, got "y" (from env HIGHLANDER_REDIS_DB)',
      ].join("\n"),
    );
  });
});
