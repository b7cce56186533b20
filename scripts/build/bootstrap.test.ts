// manifests/core/bootstrap.js, run for real with node: it joins the module parts, checks the hash,
// and runs the module in its own process so that SIGTERM reaches the module's handler.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { packModule, partKey } from "./module-artifacts";

const bootstrap = resolve(import.meta.dirname, "..", "..", "manifests", "core", "bootstrap.js");

function stage(
  moduleCode: string,
  chunkBytes: number,
): { dir: string; hash: string; parts: number } {
  const dir = mkdtempSync(join(tmpdir(), "highlander-bootstrap-"));
  const mod = packModule(Buffer.from(moduleCode), chunkBytes);
  mod.parts.forEach((p, i) => writeFileSync(join(dir, partKey(mod.hash, i)), p));
  return { dir, hash: mod.hash, parts: mod.parts.length };
}

function env(dir: string, hash: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HIGHLANDER_MODULE_HASH: hash,
    HIGHLANDER_MODULE_LOAD_DIR: dir,
    HIGHLANDER_MODULE_RUN_DIR: dir,
  };
}

// A stand-in module: reports readiness, then records the SIGTERM it receives and exits 0.
const signalModule = (marker: string): string => `
process.on("SIGTERM", () => { require("fs").writeFileSync(${JSON.stringify(marker)}, "released"); process.exit(0); });
process.stdout.write("started " + process.pid + "\\n");
setInterval(() => {}, 1000);
// padding so that the gzip splits into several parts: ${"x".repeat(5000)}
`;

describe("bootstrap.js", () => {
  it("joins the parts, runs the module in its own process and delivers SIGTERM to it", async () => {
    const dir0 = mkdtempSync(join(tmpdir(), "highlander-marker-"));
    const marker = join(dir0, "released");
    const { dir, hash, parts } = stage(signalModule(marker), 64);
    expect(parts).toBeGreaterThan(1);
    const child = spawn(process.execPath, [bootstrap], {
      env: env(dir, hash),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const started = await new Promise<string>((ok, fail) => {
      child.stdout.on("data", (b: Buffer) => ok(b.toString()));
      child.on("exit", code => fail(new Error(`exited ${code}`)));
    });
    // The module runs IN the bootstrap process: the pid Kubernetes signals is the module's.
    expect(started.trim()).toBe(`started ${child.pid}`);
    const exited = new Promise<number | null>(ok => child.on("exit", code => ok(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(readFileSync(marker, "utf8")).toBe("released");
    rmSync(dir, { recursive: true });
    rmSync(dir0, { recursive: true });
  });

  it("refuses a module whose content does not match the hash", () => {
    const { dir: a, hash: hashA } = stage("process.exit(0)", 1024);
    const { dir: b, hash: hashB } = stage("console.log('other module')", 1024);
    // B's content under A's name: the file is there, the hash is wrong.
    writeFileSync(join(a, partKey(hashA, 0)), readFileSync(join(b, partKey(hashB, 0))));
    const r = spawnSync(process.execPath, [bootstrap], { env: env(a, hashA), encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("module hash mismatch");
    expect(existsSync(join(a, `module-${hashA}.js`))).toBe(false);
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  });

  it("refuses a tampered part and a missing part", () => {
    const { dir, hash, parts } = stage(signalModule("/nonexistent"), 64);
    writeFileSync(join(dir, partKey(hash, 0)), Buffer.alloc(64));
    const tampered = spawnSync(process.execPath, [bootstrap], {
      env: env(dir, hash),
      encoding: "utf8",
    });
    expect(tampered.status).not.toBe(0);
    rmSync(join(dir, partKey(hash, parts - 2)));
    const missing = spawnSync(process.execPath, [bootstrap], {
      env: env(dir, hash),
      encoding: "utf8",
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("missing");
    expect(existsSync(join(dir, `module-${hash}.js`))).toBe(false);
    rmSync(dir, { recursive: true });
  });

  it("refuses a malformed hash", () => {
    const r = spawnSync(process.execPath, [bootstrap], {
      env: env(tmpdir(), "abc"),
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("sha256");
  });
});
