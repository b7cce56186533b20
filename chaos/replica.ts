// One operator replica of the chaos run: the shipped module bundle, in a process group of its own
// (so SIGSTOP/SIGKILL reach every thread and child, and the watchdog kills it if the suite dies), with
// its own client identity, talking to kube-apiserver and to the lock store through its own TCP proxies.
import { join } from "node:path";
import { MODULE_FILE, peprTls } from "../devenv/lib/module";
import { operatorEnv } from "../devenv/lib/operator";
import { isAlive, startServer, waitFor, type ServerProcess } from "../devenv/lib/processes";
import { freePort } from "../devenv/lib/ports";
import type { TcpProxy } from "../devenv/lib/tcp-proxy";

interface ReplicaStatus {
  id: string;
  role: string;
  epoch: number | null;
}

export interface Replica {
  readonly name: string;
  /** Proxy between this replica and kube-apiserver. */
  readonly apiProxy: TcpProxy;
  /** Proxy between this replica and the lock store (absent for the Kubernetes Lease backend). */
  readonly storeProxy?: TcpProxy;
  pid(): number;
  running(): boolean;
  /** Signals the whole process group. */
  signal(sig: NodeJS.Signals): void;
  /** Starts it again (after a kill or exit); `extraEnv` applies to this start only (libfaketime). */
  start(extraEnv?: NodeJS.ProcessEnv): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** What it says about itself (trusted only to find the leader to aim faults at). */
  status(timeoutMs?: number): Promise<ReplicaStatus | undefined>;
  /** Whether the current process runs under a fake clock. */
  clockRate(): number;
  /** Every start so far: when (real time) and the clock rate it ran with. */
  starts(): Array<{ at: number; clockRate: number }>;
}

export interface ReplicaOptions {
  name: string;
  kubeconfig: string;
  dir: string;
  env: Record<string, string>;
  apiProxy: TcpProxy;
  storeProxy?: TcpProxy;
}

export async function createReplica(opts: ReplicaOptions): Promise<Replica> {
  const port = await freePort();
  const peprPort = await freePort();
  const tls = peprTls(join(opts.dir, "tls"));
  const url = `http://127.0.0.1:${port}`;
  let proc: ServerProcess | undefined;
  let rate = 1;
  const starts: Array<{ at: number; clockRate: number }> = [];
  const running = () => proc !== undefined && isAlive(proc.pid);

  const replica: Replica = {
    name: opts.name,
    apiProxy: opts.apiProxy,
    storeProxy: opts.storeProxy,
    pid: () => proc?.pid ?? 0,
    running,
    clockRate: () => rate,
    starts: () => [...starts],
    signal(sig) {
      if (!proc) return;
      try {
        process.kill(-proc.pid, sig);
      } catch {
        // Already gone.
      }
    },
    async start(extraEnv = {}) {
      if (running()) throw new Error(`${opts.name} is already running`);
      rate = extraEnv.FAKETIME ? Number(/x([\d.]+)/.exec(extraEnv.FAKETIME)?.[1] ?? 1) : 1;
      starts.push({ at: Date.now(), clockRate: rate });
      proc = startServer({
        // One log per start, so a restarted replica's earlier life stays readable.
        name: `${opts.name}-${starts.length}`,
        command: process.execPath,
        args: [MODULE_FILE],
        logDir: opts.dir,
        ownerPid: process.pid,
        env: {
          ...operatorEnv({ name: opts.name, kubeconfig: opts.kubeconfig, tls, port, peprPort }),
          ...opts.env,
          ...extraEnv,
        },
      });
      const started = proc;
      await waitFor(
        `${opts.name} to serve /healthz`,
        async () => {
          if (!isAlive(started.pid)) throw new Error(`${opts.name} exited; see ${started.logFile}`);
          const res = await fetch(`${url}/healthz`).catch(() => undefined);
          return res?.ok ? true : undefined;
        },
        60_000,
        250,
      );
    },
    async stop(graceMs = 8000) {
      await proc?.stop(graceMs);
    },
    async status(timeoutMs = 800) {
      if (!running()) return undefined;
      try {
        // A SIGSTOPped replica never answers: give up after timeoutMs instead of waiting forever.
        const res = await fetch(`${url}/api/status`, { signal: AbortSignal.timeout(timeoutMs) });
        const body = (await res.json()) as { data?: { instance?: ReplicaStatus } };
        return body.data?.instance;
      } catch {
        return undefined;
      }
    },
  };
  return replica;
}
