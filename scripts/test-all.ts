// `npm test`: every check, in order — lint, types, unit tests, the build, then the storage, e2e and
// serverless (functions) suites against real servers that this script starts on loopback once and
// stops at the end (also on failure or Ctrl-C), then a short fault-injection (chaos) run with servers
// of its own. Ends with one summary line, "N passed, N failed", over every test run.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startCluster, type Cluster } from "../devenv/controlplane/cluster";
import { startAllServices, type AllServices } from "../devenv/services";
import { ensureSystemPackages, TEST_PACKAGES } from "../devenv/lib/system-packages";

const root = resolve(import.meta.dirname, "..");
const resultsDir = join(root, ".test-results");

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Failed tests, "file › name: first line of the error", printed in the summary. */
  failures: string[];
}

const results: StepResult[] = [];

/** `npm run chaos` arguments of the smoke run: every backend but the AOF Redis, two faults each. */
const CHAOS_SMOKE = [
  "--backend",
  "kubernetes,redis,postgres,spanner",
  "--faults",
  "2",
  "--minutes",
  "2",
  "--seed",
  "1202",
];
const cleanups: Array<() => Promise<void>> = [];

function say(msg: string): void {
  process.stdout.write(`\n[highlander test] ${msg}\n`);
}

function exec(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise(done => {
    const child = spawn(command, args, { cwd: root, env, stdio: "inherit" });
    child.on("error", err => {
      process.stderr.write(`${command} failed to start: ${err.message}\n`);
      done(127);
    });
    child.on("close", code => done(code ?? 1));
  });
}

interface VitestJson {
  testResults?: Array<{
    name: string;
    message?: string;
    assertionResults?: Array<{ status: string; fullName: string; failureMessages?: string[] }>;
  }>;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

/** Runs one step; vitest steps also report how many tests passed, failed and were skipped. */
async function runStep(
  name: string,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; vitestJson?: string; chaosReport?: string } = {},
): Promise<boolean> {
  say(`${name}: ${command} ${args.join(" ")}`);
  const started = Date.now();
  const code = await exec(command, args, opts.env);
  const result: StepResult = {
    name,
    ok: code === 0,
    seconds: (Date.now() - started) / 1000,
    passed: 0,
    failed: 0,
    skipped: 0,
    failures: [],
  };
  if (opts.vitestJson) {
    if (existsSync(opts.vitestJson)) {
      const json = JSON.parse(readFileSync(opts.vitestJson, "utf8")) as VitestJson;
      result.passed = json.numPassedTests;
      result.failed = json.numFailedTests;
      result.skipped = json.numPendingTests + json.numTodoTests;
      result.failures = failuresOf(json);
      // A suite that ran nothing is a failure, not a pass.
      if (json.numTotalTests === 0) result.ok = false;
    } else {
      result.ok = false;
    }
  }
  if (opts.chaosReport) countChaos(result, opts.chaosReport);
  if (!result.ok && result.failed === 0 && (opts.vitestJson || opts.chaosReport)) result.failed = 1;
  results.push(result);
  say(`${name}: ${result.ok ? "ok" : `FAILED (exit ${code})`} in ${result.seconds.toFixed(1)} s`);
  return result.ok;
}

/**
 * The failed tests of a vitest JSON report, each with the first line of its error: CI keeps only the
 * tail of the output, and this is what tells the next reader which test broke and why.
 */
function failuresOf(json: VitestJson): string[] {
  const out: string[] = [];
  for (const file of json.testResults ?? []) {
    const where = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    const failed = (file.assertionResults ?? []).filter(a => a.status === "failed");
    for (const a of failed)
      out.push(`${where} › ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    // A file that failed outside any test (an import error, a hook) has its message on the file.
    if (failed.length === 0 && file.message) out.push(`${where}: ${firstLine(file.message)}`);
  }
  return out;
}

function firstLine(text: string | undefined): string {
  const line = (text ?? "").split("\n").find(l => l.trim() !== "") ?? "(no message)";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

interface ChaosJson {
  reports: Array<{ backend: string; faults: unknown[]; violations: unknown[] }>;
}

/** A chaos backend run passes with at least one fault injected and no violation. */
function countChaos(result: StepResult, dir: string): void {
  const file = existsSync(dir) ? readdirSync(dir).find(f => f.endsWith(".json")) : undefined;
  if (!file) {
    result.ok = false;
    return;
  }
  const json = JSON.parse(readFileSync(join(dir, file), "utf8")) as ChaosJson;
  for (const r of json.reports) {
    if (r.faults.length > 0 && r.violations.length === 0) result.passed++;
    else result.failed++;
  }
  if (result.failed > 0) result.ok = false;
}

function vitest(config: string, name: string): [string, string[], string] {
  const out = join(resultsDir, `${name}.json`);
  rmSync(out, { force: true });
  return [
    "npx",
    [
      "vitest",
      "run",
      "--config",
      config,
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${out}`,
    ],
    out,
  ];
}

async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      await fn?.();
    } catch (err) {
      process.stderr.write(`cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

function summary(): boolean {
  say("summary");
  for (const r of results) {
    const counts =
      r.passed + r.failed + r.skipped > 0
        ? ` (${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped)`
        : "";
    process.stdout.write(
      `  ${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(10)} ${r.seconds.toFixed(1).padStart(6)} s${counts}\n`,
    );
    for (const f of r.failures) process.stdout.write(`         - ${f}\n`);
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed =
    results.reduce((n, r) => n + r.failed, 0) + results.filter(r => !r.ok && r.failed === 0).length;
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  process.stdout.write(
    `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`,
  );
  return results.every(r => r.ok);
}

async function main(): Promise<boolean> {
  mkdirSync(resultsDir, { recursive: true });
  // A fresh machine has none of these; the suites below need all of them.
  say(`system packages: ${TEST_PACKAGES.map(p => p.pkg).join(", ")}`);
  ensureSystemPackages(TEST_PACKAGES);
  // Static checks and unit tests first: they are fast and need no servers.
  await runStep("lint", "npx", ["eslint", "."]);
  await runStep("format", "npx", ["prettier", "--check", "."]);
  // Unused files and exports (knip.json): the "no dead exports" rule, checked.
  await runStep("dead code", "npx", ["knip"]);
  await runStep("types", "npx", ["tsc", "--noEmit"]);
  const [uCmd, uArgs, uJson] = vitest("vitest.unit.config.ts", "unit");
  await runStep("unit", uCmd, uArgs, { vitestJson: uJson });
  await runStep("build", "npm", ["run", "build"]);

  say(
    "starting real servers on loopback: Redis, PostgreSQL, Spanner emulator, Kubernetes control plane",
  );
  const runDir = mkdtempSync(join(tmpdir(), "highlander-test-"));
  cleanups.push(async () => rmSync(runDir, { recursive: true, force: true }));
  const services: AllServices = await startAllServices({
    dir: join(runDir, "services"),
    ownerPid: process.pid,
  });
  cleanups.push(() => services.stop());
  const cluster: Cluster = await startCluster({
    dir: join(runDir, "cluster"),
    ownerPid: process.pid,
    name: "test cluster",
  });
  cleanups.push(() => cluster.stop());
  // The suites' global setups reuse these instead of starting their own.
  const env = {
    ...process.env,
    HIGHLANDER_TEST_REDIS_URL: services.redis.url,
    HIGHLANDER_TEST_DATABASE_URL: services.postgres.url,
    HIGHLANDER_TEST_SPANNER_EMULATOR_HOST: services.spanner.emulatorHost,
    HIGHLANDER_TEST_KUBECONFIG: cluster.kubeconfig,
  };

  const [sCmd, sArgs, sJson] = vitest("vitest.storage.config.ts", "storage");
  await runStep("storage", sCmd, sArgs, { env, vitestJson: sJson });
  const [eCmd, eArgs, eJson] = vitest("vitest.e2e.config.ts", "e2e");
  await runStep("e2e", eCmd, eArgs, { env, vitestJson: eJson });
  const [fCmd, fArgs, fJson] = vitest("vitest.functions.config.ts", "functions");
  // A Spanner emulator of its own: the storage suite freezes the shared one (SIGSTOP) in its outage
  // test, and the emulator then works through abandoned transactions for a while, which makes the
  // runner's lease races slow enough to miss their windows.
  const { HIGHLANDER_TEST_SPANNER_EMULATOR_HOST: _shared, ...functionsEnv } = env;
  await runStep("functions", fCmd, fArgs, { env: functionsEnv, vitestJson: fJson });
  // A short run of the fault-injection suite (docs/reliability.md), so that the fence cannot regress
  // unnoticed: two faults per backend with a fixed seed. Each backend gets a control plane and a lock
  // store of its own (the suite needs an audit log and one client identity per replica).
  const chaosDir = join(resultsDir, "chaos");
  rmSync(chaosDir, { recursive: true, force: true });
  await runStep("chaos", "npx", ["tsx", "chaos/main.ts", ...CHAOS_SMOKE, "--out", chaosDir], {
    chaosReport: chaosDir,
  });
  return true;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    say(`${signal}: stopping servers`);
    void cleanup().then(() => process.exit(130));
  });
}

main()
  .catch(err => {
    process.stderr.write(`\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    results.push({
      name: "setup",
      ok: false,
      seconds: 0,
      passed: 0,
      failed: 0,
      skipped: 0,
      failures: [],
    });
  })
  .finally(async () => {
    await cleanup();
    const ok = summary();
    process.exit(ok ? 0 : 1);
  });
