import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { lockStoreConfig, operatorArgs } from "./storage-config";

function config(env: Record<string, string>) {
  return loadConfig({ argv: [], env, readFile: () => "", hostname: "pod-1" }).config;
}

describe("lockStoreConfig", () => {
  it("defaults to a Kubernetes Lease", () => {
    expect(lockStoreConfig(config({}))).toMatchObject({ type: "kubernetes" });
  });

  it("maps the predecessor's Redis, PostgreSQL and Spanner settings", () => {
    expect(
      lockStoreConfig(
        config({
          HIGHLANDER_STORAGE_TYPE: "redis",
          HIGHLANDER_REDIS_ADDR: "r:6379",
          HIGHLANDER_REDIS_DB: "2",
        }),
      ),
    ).toMatchObject({
      type: "redis",
      addr: "r:6379",
      db: 2,
    });
    expect(
      lockStoreConfig(
        config({ HIGHLANDER_STORAGE_TYPE: "db", HIGHLANDER_DATABASE_URL: "postgres://u@h/d" }),
      ),
    ).toEqual({
      type: "db",
      databaseUrl: "postgres://u@h/d",
    });
    expect(
      lockStoreConfig(
        config({ HIGHLANDER_STORAGE_TYPE: "spanner", HIGHLANDER_SPANNER_PROJECT_ID: "p" }),
      ),
    ).toMatchObject({
      type: "spanner",
      projectId: "p",
      instanceId: "highlander-instance",
      databaseId: "highlander-db",
    });
  });
});

describe("operatorArgs", () => {
  it("drops Pepr's positional module hash before our flags", () => {
    expect(operatorArgs(["abc123"])).toEqual([]);
    expect(operatorArgs(["abc123", "--port", "9090"])).toEqual(["--port", "9090"]);
    expect(operatorArgs(["--config", "/x.yaml"])).toEqual(["--config", "/x.yaml"]);
  });
});
