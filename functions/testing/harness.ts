// Test harness for the lease service: a fresh Spanner database per suite (made by the same setup
// code operators run), the bundled service served by the real Functions Framework CLI on loopback,
// and `highlander run` as real child processes.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { startServer, tail, waitFor, type ServerProcess } from "../../devenv/lib/processes";
import { freePort } from "../../devenv/lib/ports";
import { setupSpanner } from "../spanner-setup";

const ROOT = resolve(__dirname, "../..");
/** Inside the repository so the bundle resolves its runtime dependencies from node_modules. */
export const BUNDLE_DIR = join(ROOT, ".test-results", "lease-service");
export const PROJECT = "highlander-test";
export const INSTANCE = "highlander-instance";

const EMULATOR_ENV = {
  METADATA_SERVER_DETECTION: "none",
  GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS: "false",
  GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_FOR_RW: "false",
  GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_PARTITIONED_OPS: "false",
};

export interface LeaseServiceProcess {
  url: string;
  databaseId: string;
  server: ServerProcess;
  stop(): Promise<void>;
}

/** A new database with the LeaderLocks table, and the service on it. */
export async function startLeaseService(opts: {
  emulatorHost: string;
  token: string;
  /** HIGHLANDER_LEASE_SIGNING_KEY: the key tenant tokens are signed with. */
  signingKey?: string;
  logDir: string;
}): Promise<LeaseServiceProcess> {
  const databaseId = `leases-${randomBytes(4).toString("hex")}`;
  await setupSpanner({
    projectId: PROJECT,
    instanceId: INSTANCE,
    databaseId,
    emulatorHost: opts.emulatorHost,
  });
  const port = await freePort();
  const server = startServer({
    name: `lease-service-${port}`,
    command: process.execPath,
    args: [
      join(ROOT, "node_modules/@google-cloud/functions-framework/build/src/main.js"),
      "--target=leases",
      `--source=${BUNDLE_DIR}`,
      `--port=${port}`,
    ],
    logDir: opts.logDir,
    cwd: ROOT,
    ownerPid: process.pid,
    env: {
      PATH: process.env.PATH,
      ...EMULATOR_ENV,
      SPANNER_EMULATOR_HOST: opts.emulatorHost,
      HIGHLANDER_SPANNER_PROJECT_ID: PROJECT,
      HIGHLANDER_SPANNER_INSTANCE_ID: INSTANCE,
      HIGHLANDER_SPANNER_DATABASE_ID: databaseId,
      HIGHLANDER_LEASE_TOKEN: opts.token,
      ...(opts.signingKey ? { HIGHLANDER_LEASE_SIGNING_KEY: opts.signingKey } : {}),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "the lease service to answer /healthz",
    async () => {
      const res = await fetch(`${url}/healthz`).catch(() => undefined);
      if (!res) return undefined;
      return res.ok ? true : undefined;
    },
    30_000,
    100,
  ).catch(err => {
    throw new Error(`${(err as Error).message}\n${tail(server.logFile)}`);
  });
  return { url, databaseId, server, stop: () => server.stop(2000) };
}

export interface RunnerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Everything the runner (and its command) wrote to stderr/stdout so far. */
  output(): string;
  exited: Promise<number | null>;
  exitCode(): number | null | undefined;
}

/** `highlander run …` as its own process group (so a test can freeze or kill it alone). */
export function startRunner(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): RunnerProcess {
  const child = spawn(process.execPath, [join(ROOT, "bin/highlander.cjs"), "run", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...EMULATOR_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout?.on("data", chunk => (out += String(chunk)));
  child.stderr?.on("data", chunk => (out += String(chunk)));
  let code: number | null | undefined;
  const exited = new Promise<number | null>(done => {
    child.on("exit", (c, signal) => {
      code = c ?? (signal ? null : c);
      done(code);
    });
  });
  return {
    name,
    child,
    pid: child.pid ?? 0,
    output: () => out,
    exited,
    exitCode: () => code,
  };
}

export async function api(
  url: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    if (opts.contentType) headers["content-type"] = opts.contentType;
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = opts.contentType ?? "application/json";
  }
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (metrics, HTML)
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}
