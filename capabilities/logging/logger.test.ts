import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { componentLogger, createLogger, resourceLogger } from "./logger";
import { parseLogLevel } from "./levels";

/** Collects what pino writes, one parsed JSON object per line. */
function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter(line => line.length > 0)
        .map(line => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("createLogger", () => {
  it("writes JSON lines named highlander with a level label and an ISO time", () => {
    const out = capture();
    const log = createLogger("info", out.stream);
    log.info({ answer: 42 }, "hello");
    const [line] = out.lines();
    expect(line).toMatchObject({ name: "highlander", level: "info", msg: "hello", answer: 42 });
    expect(typeof line?.time).toBe("string");
    expect(Number.isNaN(Date.parse(String(line?.time)))).toBe(false);
  });

  it("drops lines below the chosen level", () => {
    const out = capture();
    const log = createLogger("warn", out.stream);
    log.info("quiet");
    log.warn("loud");
    expect(out.lines().map(l => l.msg)).toEqual(["loud"]);
  });

  it("accepts every documented level, case-insensitively", () => {
    for (const level of ["trace", "debug", "info", "warn", "error", "DEBUG"]) {
      expect(createLogger(level, capture().stream).level).toBe(level.toLowerCase());
    }
  });

  it("defaults to info when no level is given", () => {
    expect(createLogger("", capture().stream).level).toBe("info");
  });

  it("reads HIGHLANDER_LOG_LEVEL when no level is passed", () => {
    const saved = process.env.HIGHLANDER_LOG_LEVEL;
    process.env.HIGHLANDER_LOG_LEVEL = "debug";
    try {
      expect(createLogger(undefined, capture().stream).level).toBe("debug");
    } finally {
      if (saved === undefined) delete process.env.HIGHLANDER_LOG_LEVEL;
      else process.env.HIGHLANDER_LOG_LEVEL = saved;
    }
  });

  it("rejects an unknown level with an error naming the variable and the choices", () => {
    expect(() => createLogger("verbose", capture().stream)).toThrow(
      'HIGHLANDER_LOG_LEVEL: must be one of trace, debug, info, warn, error, got "verbose"',
    );
  });

  it("masks passwords and database URLs passed as fields", () => {
    const out = capture();
    const log = createLogger("info", out.stream);
    log.info({ redis: { password: "s3cret" }, databaseURL: "postgres://u:p@h/db" }, "cfg");
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain("u:p@h");
  });
});

describe("child loggers", () => {
  it("carry the resource a line is about", () => {
    const out = capture();
    const log = resourceLogger(createLogger("info", out.stream), {
      kind: "WorkloadProcess",
      namespace: "team-a",
      name: "worker",
    });
    log.info("started");
    expect(out.lines()[0]).toMatchObject({
      name: "highlander",
      resource: { kind: "WorkloadProcess", namespace: "team-a", name: "worker" },
      msg: "started",
    });
  });

  it("carry the component name", () => {
    const out = capture();
    componentLogger(createLogger("info", out.stream), "elector").warn("lost");
    expect(out.lines()[0]).toMatchObject({ component: "elector", level: "warn" });
  });
});

describe("parseLogLevel", () => {
  it("names the source in its error", () => {
    expect(() => parseLogLevel("x", "logLevel")).toThrow(/^logLevel: must be one of/);
  });
});
