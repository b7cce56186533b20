// `npm run bench -- cli [--runs N]`: start-up cost of the `highlander` command as users run it
// (node bin/highlander.cjs, which runs the bundle dist/cli/highlander.cjs). Times, over N runs each
// (default 10): `node -e 0` (the floor: Node's own start), `highlander --help`, `--version`, and
// `status` against a kubeconfig whose server is a closed loopback port (loads the kube client, fails
// at once with exit 1). Prints p50 and max in ms and each p50's ratio to `node -e 0`'s.
import { percentile } from "../devenv/lib/percentile";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "highlander.cjs");

interface Case {
  name: string;
  argv: string[];
  /** The exit code a healthy run has. */
  code: number;
}

/** A kubeconfig nobody answers: port 1 on loopback refuses at once. */
function deadKubeconfig(dir: string): string {
  const file = join(dir, "kubeconfig");
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "none", cluster: { server: "https://127.0.0.1:1" } }],
      users: [{ name: "none", user: { token: "x" } }],
      contexts: [{ name: "none", context: { cluster: "none", user: "none" } }],
      "current-context": "none",
    }),
  );
  return file;
}

function timeOnce(c: Case): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, c.argv, { cwd: ROOT, encoding: "utf8" });
  const ms = performance.now() - started;
  if (r.status !== c.code) {
    throw new Error(`${c.name}: exit ${r.status}, expected ${c.code}\n${r.stderr}`);
  }
  return ms;
}

export async function run(args: string[]): Promise<void> {
  const at = args.indexOf("--runs");
  const runs = at >= 0 ? Number.parseInt(args[at + 1] ?? "", 10) : 10;
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
  const dir = mkdtempSync(join(tmpdir(), "highlander-cli-bench-"));
  try {
    const kubeconfig = deadKubeconfig(dir);
    const cases: Case[] = [
      { name: "node -e 0", argv: ["-e", "0"], code: 0 },
      { name: "highlander --help", argv: [BIN, "--help"], code: 0 },
      { name: "highlander --version", argv: [BIN, "--version"], code: 0 },
      {
        name: "highlander status (no server)",
        argv: [BIN, "status", "--kubeconfig", kubeconfig],
        code: 1,
      },
    ];
    // One untimed call builds the bundle if it is missing or stale, and warms the file cache.
    for (const c of cases) timeOnce(c);
    const results = cases.map(c => {
      const times = Array.from({ length: runs }, () => timeOnce(c)).sort((a, b) => a - b);
      process.stderr.write(`[cli] ${c.name}: ${times.map(t => t.toFixed(0)).join(" ")} ms\n`);
      return { name: c.name, p50: percentile(times, 50), max: times[times.length - 1] };
    });
    const floor = results[0].p50;
    process.stdout.write(`${runs} runs each\n`);
    process.stdout.write(
      `${"command".padEnd(32)}${"p50 ms".padStart(8)}${"max ms".padStart(8)}${"× node -e 0".padStart(13)}\n`,
    );
    for (const r of results) {
      process.stdout.write(
        `${r.name.padEnd(32)}${r.p50.toFixed(0).padStart(8)}${r.max.toFixed(0).padStart(8)}${(r.p50 / floor).toFixed(2).padStart(13)}\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
