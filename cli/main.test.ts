import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "./main";
import { captured } from "./test-output";
import { COMMANDS } from "./usage";

const cli = (...argv: string[]) => captured(() => main(argv));

describe("highlander main", () => {
  it("prints the global usage for --help (exit 0) and with no command (exit 2)", async () => {
    const help = await cli("--help");
    expect(help.result).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c} `);
    const none = await cli();
    expect(none.result).toBe(2);
    expect(none.stdout).toBe(help.stdout);
  });

  it.each(COMMANDS)("prints only %s's usage for `%s --help` and `help %s`", async command => {
    for (const argv of [
      [command, "--help"],
      [command, "-h"],
      ["help", command],
    ]) {
      const r = await cli(...argv);
      expect(r.result).toBe(0);
      expect(r.stdout).toContain(`usage: highlander ${command} `);
      for (const other of COMMANDS.filter(c => c !== command && !c.startsWith(command))) {
        expect(r.stdout).not.toMatch(new RegExp(`^  ${other} `, "m"));
      }
    }
  });

  it("--help wins over missing arguments", async () => {
    const r = await cli("delete", "--help");
    expect(r.result).toBe(0);
    expect(r.stdout).toContain("--ignore-not-found");
  });

  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, "../package.json"), "utf8")) as {
      version: string;
    };
    for (const flag of ["--version", "version"]) {
      const r = await cli(flag);
      expect(r.result).toBe(0);
      expect(r.stdout).toBe(`highlander ${version}\n`);
    }
  });

  it.each([
    [["bogus"], 'unknown command "bogus"'],
    [["delete", "process"], "delete needs a name"],
    [["delete", "process", "a", "b"], "delete takes one name"],
    [["delete", "thing", "a"], ""],
    [["status", "--namespace"], "--namespace needs a value"],
    [["status", "--colour", "x"], "unknown option: --colour"],
    [["leader", "--bogus", "x"], "unknown option: --bogus"],
    [["leader", "--url", "http://x", "--tenant", "t"], "unknown option: --tenant"],
    [["step-down"], "step-down needs --url"],
    [["step-down", "--url", "http://x", "--force=maybe"], "--force takes no value"],
    [["create", "process", "-Z"], "unknown option -Z"],
  ])("usage error %j exits 2 with that command's usage", async (argv, message) => {
    const r = await cli(...argv);
    expect(r.result).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("usage: highlander");
    expect(r.stdout).toBe("");
  });

  it("an unreachable operator is a failure (exit 1), not a usage error", async () => {
    const r = await cli("leader", "--url", "http://127.0.0.1:1");
    expect(r.result).toBe(1);
    expect(r.stderr).toContain("cannot reach http://127.0.0.1:1/api/leader");
    expect(r.stderr).not.toContain("usage:");
  });
});
