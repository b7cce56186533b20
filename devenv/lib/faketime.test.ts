// libfaketime really slows a Node child's timers and monotonic clock (the slow-clock fault relies on it).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { faketimeEnv, LIBFAKETIME } from "./faketime";

describe.skipIf(!existsSync(LIBFAKETIME))("faketimeEnv", () => {
  it("runs a Node child's timers and performance.now() at half speed", () => {
    const script =
      "const p=performance.now();setTimeout(()=>console.log(performance.now()-p),400);";
    const started = Date.now();
    const out = spawnSync(process.execPath, ["-e", script], {
      env: { ...process.env, ...faketimeEnv(0.5) },
      encoding: "utf8",
    });
    const real = Date.now() - started;
    expect(out.status).toBe(0);
    // The child saw about 400 ms pass; really it took twice that (plus start-up).
    expect(Number(out.stdout.trim())).toBeGreaterThanOrEqual(399);
    expect(real).toBeGreaterThanOrEqual(780);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => faketimeEnv(0)).toThrow(/rate/);
  });
});
