import { describe, expect, it } from "vitest";
import { parseArgs } from "./args";
import { runPlan } from "./run-options";

const plan = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  runPlan(parseArgs(argv, new Set()), env);

describe("runPlan", () => {
  it("service mode with defaults", () => {
    const p = plan([
      "--lease",
      "team-a/job",
      "--service",
      "http://x",
      "--token",
      "T",
      "--",
      "echo",
      "hi",
    ]);
    expect(p).toMatchObject({
      lease: { tenant: "team-a", name: "job" },
      key: "highlander-lease:team-a/job",
      backend: { kind: "service", serviceUrl: "http://x", token: "T", headers: {} },
      timing: { leaseDurationMs: 10_000, renewDeadlineMs: 7_000, retryPeriodMs: 2_000 },
      gracePeriodMs: 10_000,
      command: ["echo", "hi"],
    });
    expect(p.holder).toBeUndefined();
  });

  it("reads the token, URL and an IAM identity token from the environment", () => {
    const p = plan(["--lease", "a/b", "--holder", "h1", "--", "x"], {
      HIGHLANDER_LEASE_SERVICE_URL: "https://svc",
      HIGHLANDER_LEASE_TOKEN: "T",
      HIGHLANDER_LEASE_ID_TOKEN: "ID",
    });
    expect(p.backend).toEqual({
      kind: "service",
      serviceUrl: "https://svc",
      token: "T",
      headers: { "x-serverless-authorization": "Bearer ID" },
    });
    expect(p.holder).toBe("h1");
  });

  it("durations and timing order", () => {
    const p = plan([
      "--lease",
      "a/b",
      "--storage",
      "db",
      "--database-url",
      "postgres://x",
      "--lease-duration",
      "30s",
      "--renew-deadline",
      "20",
      "--retry-period",
      "500ms",
      "--grace-period",
      "1m",
      "--",
      "x",
    ]);
    expect(p.timing).toEqual({
      leaseDurationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 500,
      renewIntervalMs: 500,
    });
    expect(p.gracePeriodMs).toBe(60_000);
    expect(() =>
      plan([
        "--lease",
        "a/b",
        "--service",
        "http://x",
        "--token",
        "T",
        "--lease-duration",
        "5s",
        "--",
        "x",
      ]),
    ).toThrow(/leaseDuration \(5000 ms\) must be greater than renewDeadline/);
    expect(() =>
      plan([
        "--lease",
        "a/b",
        "--service",
        "http://x",
        "--token",
        "T",
        "--grace-period",
        "-1s",
        "--",
        "x",
      ]),
    ).toThrow(/--grace-period must be a positive duration/);
  });

  it("direct storage configs", () => {
    const base = ["--lease", "a/b"];
    expect(
      plan([...base, "--storage", "redis", "--", "x"], { HIGHLANDER_REDIS_ADDR: "r:6379" }).backend,
    ).toMatchObject({ kind: "storage", config: { type: "redis", addr: "r:6379" } });
    expect(
      plan([...base, "--storage", "redis", "--", "x"], { HIGHLANDER_REDIS_ADDR: "rediss://r" })
        .backend,
    ).toMatchObject({ config: { type: "redis", url: "rediss://r" } });
    expect(
      plan([...base, "--storage", "spanner", "--", "x"], {
        HIGHLANDER_SPANNER_PROJECT_ID: "p",
        SPANNER_EMULATOR_HOST: "h:1",
      }).backend,
    ).toMatchObject({
      config: {
        type: "spanner",
        projectId: "p",
        instanceId: "highlander-instance",
        databaseId: "highlander-db",
        createIfMissing: true,
      },
    });
    expect(
      plan([...base, "--storage", "kubernetes", "--namespace", "ns", "--", "x"], {
        KUBECONFIG: "/k",
      }).backend,
    ).toMatchObject({ config: { type: "kubernetes", kubeconfig: "/k", namespace: "ns" } });
  });

  it("clear usage errors", () => {
    expect(() => plan(["--service", "http://x", "--", "x"])).toThrow(/--lease <tenant>\/<name>/);
    expect(() => plan(["--lease", "A/b", "--service", "http://x", "--", "x"])).toThrow(/DNS label/);
    expect(() => plan(["--lease", "a/b", "--service", "http://x", "--token", "T"])).toThrow(
      /command after --/,
    );
    expect(() => plan(["--lease", "a/b", "--", "x"])).toThrow(/--service URL/);
    expect(() => plan(["--lease", "a/b", "--service", "http://x", "--", "x"])).toThrow(/--token/);
    expect(() =>
      plan(["--lease", "a/b", "--service", "ftp://x", "--token", "T", "--", "x"]),
    ).toThrow(/http/);
    expect(() =>
      plan(["--lease", "a/b", "--service", "http://x", "--storage", "db", "--", "x"]),
    ).toThrow(/not both/);
    expect(() => plan(["--lease", "a/b", "--storage", "etcd", "--", "x"])).toThrow(
      /--storage must be/,
    );
    expect(() => plan(["--lease", "a/b", "--storage", "db", "--", "x"])).toThrow(
      /HIGHLANDER_DATABASE_URL/,
    );
    expect(() => plan(["--lease", "a/b", "--bogus", "1", "--", "x"])).toThrow(
      /unknown option: --bogus/,
    );
    expect(() => plan(["--lease", "a/b", "stray", "--", "x"])).toThrow(
      /unexpected argument "stray"/,
    );
  });
});
