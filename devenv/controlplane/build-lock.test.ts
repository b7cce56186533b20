import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withBuildLock } from "./build";

describe("withBuildLock", () => {
  it("runs two builds of one folder one after the other, and releases the lock", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "hl-lock-")), "bin");
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(`${name} start`);
      await new Promise(done => setTimeout(done, 300));
      order.push(`${name} end`);
    };
    await Promise.all([withBuildLock(dir, job("a")), withBuildLock(dir, job("b"))]);
    expect(order).toHaveLength(4);
    expect(order[0].split(" ")[0]).toBe(order[1].split(" ")[0]); // no interleaving
    expect(order[2].split(" ")[0]).toBe(order[3].split(" ")[0]);
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it("takes over a lock left by a process that no longer exists", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "hl-lock-")), "bin");
    mkdirSync(`${dir}.lock`, { recursive: true });
    writeFileSync(join(`${dir}.lock`, "pid"), "999999999");
    expect(await withBuildLock(dir, () => Promise.resolve("built"))).toBe("built");
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });
});
