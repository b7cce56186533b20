import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";
import { bridgeDestination, translatePeprLine } from "./pepr-bridge";

/** Collects what a logger writes, one parsed JSON object per line, and the raw lines. */
function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const raw = () =>
    chunks
      .join("")
      .split("\n")
      .filter(l => l !== "");
  return { stream, raw, lines: () => raw().map(l => JSON.parse(l) as Record<string, unknown>) };
}

// Lines as Pepr 1.1.4's logger writes them (captured from a running operator).
const PEPR_CONFIGURED =
  '{"level":30,"time":1796226329890,"pid":20619,"hostname":"vm","prefix":"highlander-workloads: WorkloadProcess","msg":"Watch Action configured for CREATEORUPDATE"}';
const PEPR_FILTERS =
  '{"level":30,"time":1796226329892,"pid":20619,"hostname":"vm","prefix":"highlander-workloads: V1Pod","msg":"{\\"labels\\":{\\"app.kubernetes.io/managed-by\\":\\"highlander\\"}}"}';

describe("translatePeprLine", () => {
  it("maps pino's numeric levels to our labels and drops the fields our logger writes", () => {
    const line = '{"level":40,"time":1,"pid":2,"hostname":"h","alias":"x","msg":"watch lagging"}';
    expect(translatePeprLine(line)).toEqual({
      level: "warn",
      fields: { alias: "x", component: "pepr" },
      msg: "watch lagging",
    });
    for (const [n, label] of [
      [10, "trace"],
      [20, "debug"],
      [30, "info"],
      [50, "error"],
      [60, "fatal"],
    ] as const) {
      expect(translatePeprLine(`{"level":${n},"msg":"m"}`).level).toBe(label);
    }
  });

  it("demotes Pepr's start-up lines about our bindings to debug", () => {
    expect(translatePeprLine(PEPR_CONFIGURED)).toMatchObject({
      level: "debug",
      msg: "Watch Action configured for CREATEORUPDATE",
    });
  });

  it('moves a message that is a JSON dump (`"msg":"{}"`) into a field', () => {
    expect(translatePeprLine(PEPR_FILTERS)).toEqual({
      level: "debug",
      fields: {
        prefix: "highlander-workloads: V1Pod",
        component: "pepr",
        data: { labels: { "app.kubernetes.io/managed-by": "highlander" } },
      },
      msg: "pepr detail",
    });
    expect(translatePeprLine('{"level":30,"msg":"{}"}')).toMatchObject({
      level: "debug",
      fields: { data: {} },
    });
  });

  it("keeps Pepr's own name beside ours, and wraps a line that is not JSON", () => {
    expect(translatePeprLine('{"level":30,"name":"pepr-x","msg":"m"}').fields).toEqual({
      peprName: "pepr-x",
      component: "pepr",
    });
    expect(translatePeprLine("plain text\n")).toEqual({
      level: "info",
      fields: { component: "pepr" },
      msg: "plain text",
    });
  });

  it("keeps an error's stack (warn and error lines stay what they were)", () => {
    const line = JSON.stringify({
      level: 50,
      err: { type: "Error", message: "boom", stack: "Error: boom\n    at x" },
      msg: "boom",
    });
    expect(translatePeprLine(line)).toMatchObject({
      level: "error",
      fields: { err: { message: "boom", stack: "Error: boom\n    at x" } },
    });
  });
});

describe("bridgeDestination", () => {
  it("re-emits a pino logger's lines (Pepr's format) in our schema, one JSON line each", () => {
    const out = capture();
    const ours = createLogger("debug", out.stream);
    // A logger built like Pepr's: default options, epoch-ms time, numeric levels.
    const theirs = pino(
      {},
      bridgeDestination(() => ours),
    );
    theirs.child({ prefix: "cap" }).info("Watch Action configured for DELETE");
    theirs.info("{}");
    theirs.error(new Error("broken watch"), "watch failed");
    const lines = out.lines();
    expect(out.raw()).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatchObject({ name: "highlander", component: "pepr" });
      expect(typeof line.level).toBe("string");
      expect(typeof line.time).toBe("string");
      expect(Number.isNaN(Date.parse(String(line.time)))).toBe(false);
    }
    expect(lines[0]).toMatchObject({ level: "debug", prefix: "cap" });
    expect(lines[1]).toMatchObject({ level: "debug", data: {}, msg: "pepr detail" });
    expect(lines[2]).toMatchObject({ level: "error", msg: "watch failed" });
    expect((lines[2].err as { stack: string }).stack).toContain("broken watch");
  });

  it("drops what our logger's level filters out", () => {
    const out = capture();
    const ours = createLogger("info", out.stream);
    const theirs = pino(
      {},
      bridgeDestination(() => ours),
    );
    theirs.info("Watch Action configured for DELETE");
    theirs.info("watching");
    expect(out.lines().map(l => l.msg)).toEqual(["watching"]);
  });
});

describe("installFatalHandlers", () => {
  /** Runs `body` in a fresh Node process with the handlers installed; its output and exit code. */
  function crash(body: string) {
    const dir = mkdtempSync(join(tmpdir(), "hl-fatal-"));
    const file = join(dir, "crash.ts");
    const bridge = join(import.meta.dirname, "pepr-bridge.ts");
    writeFileSync(
      file,
      `import { installFatalHandlers } from ${JSON.stringify(bridge)};\ninstallFatalHandlers();\n${body}\n`,
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", file], {
      encoding: "utf8",
      env: { ...process.env, HIGHLANDER_LOG_LEVEL: "" },
      timeout: 30_000,
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  }

  it("ends an uncaught exception as one fatal JSON line with the stack in err.stack", () => {
    const r = crash('setTimeout(() => { throw new Error("kaboom"); }, 1);');
    expect(r.code).toBe(1);
    const lines = r.out.split("\n").filter(l => l !== "");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({ level: "fatal", name: "highlander" });
    expect(String(line.msg)).toContain("kaboom");
    expect((line.err as { stack: string }).stack).toMatch(/^Error: kaboom\n\s+at /);
  });

  it("turns Node's process warnings into warn lines instead of raw stderr text", () => {
    const r = crash(
      'process.emitWarning("old API", { type: "DeprecationWarning", code: "DEP0999" });\nsetTimeout(() => process.exit(0), 50);',
    );
    expect(r.code).toBe(0);
    const lines = r.out.split("\n").filter(l => l !== "");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: "warn",
      msg: "old API",
      warning: { name: "DeprecationWarning", code: "DEP0999" },
    });
  });

  it("does the same for an unhandled rejection", () => {
    const r = crash('void Promise.reject(new Error("nobody caught me"));');
    expect(r.code).toBe(1);
    const lines = r.out.split("\n").filter(l => l !== "");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: "fatal",
      msg: "unhandled rejection: nobody caught me",
      err: { message: "nobody caught me" },
    });
  });
});
