import { afterEach, describe, expect, it } from "vitest";
import { parseArgs } from "./args";
import { leaderFromLock, lockRows, operatorConfig, type LockReader } from "./lock-leader";
import { captured } from "./test-output";
import type { LockRecord } from "../storage/types";

const record = (holderId: string, epoch: number): LockRecord => ({
  holderId,
  clusterName: "east",
  epoch,
  acquiredAt: new Date(0),
  renewedAt: new Date(0),
  expiresAt: new Date("2026-12-02T10:00:00.000Z"),
  metadata: {},
});

describe("lockRows", () => {
  it("prints the holder, lock epoch and fence epoch; a released or missing lock has no leader", () => {
    expect(
      lockRows([
        { tenant: "a", source: "lease ns/l-a", record: record("op-1", 4), fenceEpoch: 5 },
        { tenant: "b", source: "lease ns/l-b", record: record("", 2) },
        { tenant: "c", source: "lease ns/l-c" },
      ]),
    ).toEqual([
      ["a", "op-1", "east", "4", "5", "2026-12-02T10:00:00.000Z", "lease ns/l-a"],
      ["b", "(none)", "", "2", "", "", "lease ns/l-b"],
      ["c", "(none)", "", "", "", "", "lease ns/l-c"],
    ]);
  });
});

describe("leaderFromLock", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("reads the configured tenant, or each --tenant, and closes the reader", async () => {
    process.env.HIGHLANDER_TENANT = "team-a";
    process.env.HIGHLANDER_CONFIG = "";
    const asked: string[] = [];
    let closed = false;
    const reader: LockReader = {
      read: async tenant => {
        asked.push(tenant);
        return { tenant, source: "lease s/x", record: record(`${tenant}-leader`, 1) };
      },
      close: async () => {
        closed = true;
      },
    };
    const one = await captured(() => leaderFromLock(parseArgs([], new Set()), async () => reader));
    expect(one.result).toBe(0);
    expect(one.stdout).toContain("team-a-leader");
    const two = await captured(() =>
      leaderFromLock(parseArgs(["--tenant", "x", "--tenant", "y"], new Set()), async () => reader),
    );
    expect(two.stdout.split("\n").filter(Boolean)).toHaveLength(3);
    expect(asked).toEqual(["team-a", "x", "y"]);
    expect(closed).toBe(true);
  });

  it("names the configuration problem and --url when it cannot tell where the lock is", () => {
    expect(() => operatorConfig({ HIGHLANDER_STORAGE_TYPE: "redis" })).toThrow(
      /redis\.addr: is required.*pass --url/,
    );
  });

  it("a lock that cannot be read fails with a hint to use --url", async () => {
    process.env.HIGHLANDER_CONFIG = "";
    const reader: LockReader = {
      read: async () => {
        throw new Error("connection refused");
      },
      close: async () => {},
    };
    await expect(leaderFromLock(parseArgs([], new Set()), async () => reader)).rejects.toThrow(
      /tenant default: connection refused; pass --url/,
    );
  });
});
