// Real operator processes for e2e tests: the bundled module, started as `npm start` starts it, each
// with its own HTTP and Pepr ports, killed by the tests (SIGKILL, SIGTERM) to exercise failover.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, closeSync } from "node:fs";
import { join } from "node:path";
import { isAlive, sleep, waitFor } from "./processes";
import { freePort } from "./ports";
import { MODULE_FILE, peprTls } from "./module";

export interface OperatorProcess {
  name: string;
  pid: number;
  port: number;
  url: string;
  logFile: string;
  /** The static API token it accepts for step-down (HIGHLANDER_API_TOKEN). */
  token: string;
  child: ChildProcess;
  /** GET a JSON API path and return `data` from the envelope. */
  api<T>(path: string): Promise<T>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  exited(): Promise<void>;
}

export interface OperatorOptions {
  name: string;
  kubeconfig: string;
  /** Folder for its log and TLS pair. */
  dir: string;
  /** HIGHLANDER_* settings (tenant, storage, cluster name, lease timings, …). */
  env?: Record<string, string>;
  /**
   * A cgroup's `cgroup.procs` file: the process joins that cgroup before Node starts, as in a
   * container (Node sizes V8's heap from the cgroup's memory limit; bench/lib/memory-limit.ts).
   */
  cgroupProcs?: string;
}

/**
 * The static API token every e2e operator accepts for step-down unless a test sets its own
 * HIGHLANDER_API_TOKEN (the CLI sends it with --token or HIGHLANDER_API_TOKEN).
 */
const E2E_API_TOKEN = "e2e-step-down-token";

/** Short lease timings so failover tests take seconds, not minutes. */
export const FAST_LEASE = {
  HIGHLANDER_LEASE_DURATION: "4s",
  HIGHLANDER_RENEW_DEADLINE: "3s",
  HIGHLANDER_RETRY_PERIOD: "500ms",
};

/**
 * GET with one retry when a pooled keep-alive connection turns out to be closed. Tests block their
 * event loop in spawnSync (kubectl, the CLI) for seconds; meanwhile the server closes the idle
 * connection, and fetch reuses it before it has noticed ("other side closed"). A GET is safe to resend.
 */
export async function httpGet(url: string, headers?: Record<string, string>): Promise<Response> {
  try {
    return await fetch(url, { headers });
  } catch (err) {
    const code = ((err as { cause?: { code?: unknown } }).cause ?? {}).code;
    if (code !== "UND_ERR_SOCKET") throw err;
    return fetch(url, { headers });
  }
}

/** The environment of an operator process started as `npm start` starts it, on ports of its own. */
export function operatorEnv(o: {
  name: string;
  kubeconfig: string;
  tls: { key: string; cert: string };
  port: number;
  peprPort: number;
}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KUBECONFIG: o.kubeconfig,
    PEPR_WATCH_MODE: "true",
    SSL_KEY_PATH: o.tls.key,
    SSL_CERT_PATH: o.tls.cert,
    HIGHLANDER_PORT: String(o.port),
    HIGHLANDER_PEPR_PORT: String(o.peprPort),
    HIGHLANDER_ID: o.name,
    HIGHLANDER_LOG_LEVEL: "debug",
  };
}

export async function startOperator(opts: OperatorOptions): Promise<OperatorProcess> {
  mkdirSync(opts.dir, { recursive: true });
  const port = await freePort();
  const peprPort = await freePort();
  const tls = peprTls(join(opts.dir, "tls"));
  const logFile = join(opts.dir, `${opts.name}.log`);
  const out = openSync(logFile, "a");
  // `exec` keeps the shell's pid, which joined the cgroup, for Node.
  const [command, args] = opts.cgroupProcs
    ? ["sh", ["-c", 'echo $$ > "$0" && exec "$@"', opts.cgroupProcs, process.execPath, MODULE_FILE]]
    : [process.execPath, [MODULE_FILE]];
  const child = spawn(command, args, {
    env: {
      ...operatorEnv({ name: opts.name, kubeconfig: opts.kubeconfig, tls, port, peprPort }),
      HIGHLANDER_API_TOKEN: E2E_API_TOKEN,
      ...opts.env,
    },
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  if (!child.pid) throw new Error(`could not start operator ${opts.name}`);
  const pid = child.pid;
  const exit = new Promise<void>(resolve => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const token = opts.env?.HIGHLANDER_API_TOKEN ?? E2E_API_TOKEN;
  const proc: OperatorProcess = {
    name: opts.name,
    pid,
    port,
    url,
    logFile,
    token,
    child,
    // The static token goes with every read too, so tests work under any api.readAuth.
    async api<T>(path: string): Promise<T> {
      const res = await httpGet(`${url}${path}`, { authorization: `Bearer ${token}` });
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (body.status !== "success") throw new Error(`${path}: ${body.error ?? res.status}`);
      return body.data;
    },
    kill(signal) {
      if (isAlive(pid)) process.kill(pid, signal);
    },
    exited: () => exit,
  };
  await waitFor(
    `operator ${opts.name} to serve /healthz`,
    async () => {
      if (child.exitCode !== null)
        throw new Error(`operator ${opts.name} exited (${child.exitCode}); see ${logFile}`);
      const res = await fetch(`${url}/healthz`).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    60_000,
  );
  return proc;
}

/** Stops operators (SIGTERM, then SIGKILL after a grace period) and waits for them to exit. */
export async function stopOperators(...procs: Array<OperatorProcess | undefined>): Promise<void> {
  await Promise.all(
    procs.map(async p => {
      if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
      p.kill("SIGTERM");
      await Promise.race([p.exited(), sleep(10_000)]);
      p.kill("SIGKILL");
      await p.exited();
    }),
  );
}

interface StatusView {
  instance: { id: string; role: string; epoch: number | null };
}

/** The one operator of `procs` that reports itself as leader (throws while none or several do). */
export async function currentLeader(
  procs: OperatorProcess[],
): Promise<OperatorProcess | undefined> {
  const leaders: OperatorProcess[] = [];
  for (const p of procs) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
    const status = await p.api<StatusView>("/api/status").catch(() => undefined);
    if (status?.instance.role === "leader") leaders.push(p);
  }
  if (leaders.length > 1)
    throw new Error(
      `${leaders.length} operators claim to lead: ${leaders.map(l => l.name).join(", ")}`,
    );
  return leaders[0];
}

/** Waits (bounded) until the operator's /api/leader says it leads. */
export async function waitUntilLeading(op: OperatorProcess, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `${op.name} to lead`,
    async () => ((await op.api<{ isLeader: boolean }>("/api/leader")).isLeader ? true : undefined),
    timeoutMs,
  );
}
