import { describe, expect, it } from "vitest";
import { describeConfig, maskUrlPassword, scrubSecrets, storageAddress } from "./describe";
import { loadConfig } from "./load";

const base = (env: Record<string, string>) =>
  loadConfig({
    env,
    hostname: "h",
    readFile: () => {
      throw Object.assign(new Error("x"), { code: "ENOENT" });
    },
  }).config;

describe("maskUrlPassword", () => {
  it("masks the password of a URL and keeps the rest", () => {
    expect(maskUrlPassword("postgres://user:s3cret@db:5432/locks?sslmode=disable")).toBe(
      "postgres://user:****@db:5432/locks?sslmode=disable",
    );
  });

  it("masks password query parameters", () => {
    expect(maskUrlPassword("postgresql://db/locks?user=u&password=s3cret")).toBe(
      "postgresql://db/locks?user=u&password=****",
    );
  });

  it("leaves URLs without a password and plain addresses alone", () => {
    expect(maskUrlPassword("postgres://user@db/locks")).toBe("postgres://user@db/locks");
    expect(maskUrlPassword("redis:6379")).toBe("redis:6379");
    expect(maskUrlPassword("")).toBe("");
  });

  it("masks user:password@ even in text that is not a URL", () => {
    expect(maskUrlPassword("user:s3cret@host:6379")).toBe("user:****@host:6379");
    expect(maskUrlPassword("postgres://u:bad%zz@host/db")).toBe("postgres://u:****@host/db");
  });
});

describe("storageAddress", () => {
  it("describes each backend without its password", () => {
    expect(storageAddress(base({}))).toBe("leases/pepr-system");
    expect(
      storageAddress(
        base({ HIGHLANDER_STORAGE_TYPE: "redis", HIGHLANDER_REDIS_ADDR: "redis://:pw@r:6379" }),
      ),
    ).toBe("redis://:****@r:6379");
    expect(
      storageAddress(
        base({ HIGHLANDER_STORAGE_TYPE: "db", HIGHLANDER_DATABASE_URL: "postgres://u:pw@db/x" }),
      ),
    ).toBe("postgres://u:****@db/x");
    expect(
      storageAddress(
        base({ HIGHLANDER_STORAGE_TYPE: "spanner", HIGHLANDER_SPANNER_PROJECT_ID: "p" }),
      ),
    ).toBe("projects/p/instances/highlander-instance/databases/highlander-db");
  });
});

describe("describeConfig", () => {
  it("contains no secret in any field", () => {
    const config = base({
      HIGHLANDER_STORAGE_TYPE: "db",
      HIGHLANDER_REDIS_PASSWORD: "redis-pass-123",
      HIGHLANDER_REDIS_ADDR: "redis://:redis-url-pass@r:6379",
      HIGHLANDER_DATABASE_URL: "postgres://u:db-pass-456@db/x",
    });
    const text = JSON.stringify(describeConfig(config));
    expect(text).not.toContain("redis-pass-123");
    expect(text).not.toContain("redis-url-pass");
    expect(text).not.toContain("db-pass-456");
    expect(describeConfig(config)).toMatchObject({
      redis: { password: "****" },
      databaseURL: "postgres://u:****@db/x",
      storageAddress: "postgres://u:****@db/x",
      lease: {
        duration: "3s",
        renewDeadline: "2s",
        retryPeriod: "250ms",
        renewInterval: "1s",
        stepDownAtRenewDeadline: false,
      },
      terminationGracePeriod: "30s",
    });
  });

  it("shows an unset password as empty, and lists workloads by identity only", () => {
    const config = loadConfig({
      env: {},
      hostname: "h",
      readFile: () => "workloads:\n  processes:\n    - name: w\n      env:\n        TOKEN: abc\n",
    }).config;
    const described = describeConfig(config);
    expect(described.redis).toMatchObject({ password: "" });
    expect(described.workloads).toEqual(["WorkloadProcess default/w"]);
    expect(JSON.stringify(described)).not.toContain("abc");
  });
});

describe("scrubSecrets", () => {
  it("masks every URL password inside free text", () => {
    expect(
      scrubSecrets("connect postgres://u:pw1@db:5432/x failed; fallback redis://:pw2@r:6379 too"),
    ).toBe("connect postgres://u:****@db:5432/x failed; fallback redis://:****@r:6379 too");
  });

  it("leaves text without credentials alone", () => {
    expect(scrubSecrets("ECONNREFUSED 127.0.0.1:6379 (postgres://u@db/x)")).toBe(
      "ECONNREFUSED 127.0.0.1:6379 (postgres://u@db/x)",
    );
  });
});
