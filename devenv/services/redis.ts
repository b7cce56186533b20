// A throwaway Redis server on loopback for tests and benchmarks, installed from Debian when missing.
import { mkdirSync } from "node:fs";
import { isAlive, startServer, tail, waitFor } from "../lib/processes";
import { freePort } from "../lib/ports";
import { ensureSystemPackages, TEST_PACKAGES } from "../lib/system-packages";
import { tcpAnswers } from "./net";

export interface RedisService {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface RedisOptions {
  dir: string;
  ownerPid?: number;
  /** Reuse a port (to restart a server where clients expect it); default: a free one. */
  port?: number;
  /** Keep an fsync-always append-only file in `dir`, so data (epoch counters) survives a restart. */
  appendOnly?: boolean;
}

/** Installs redis-server through apt-get when it is not on PATH (about 10 s, printed). */
function ensureRedisInstalled(): void {
  ensureSystemPackages(TEST_PACKAGES.filter(p => p.command === "redis-server"));
}

export async function startRedis(opts: RedisOptions): Promise<RedisService> {
  ensureRedisInstalled();
  mkdirSync(opts.dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const persistence = opts.appendOnly
    ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", opts.dir]
    : ["--appendonly", "no", "--dir", opts.dir];
  const server = startServer({
    name: `redis-${port}`,
    command: "redis-server",
    args: ["--bind", "127.0.0.1", "--port", String(port), "--save", "", ...persistence],
    logDir: opts.dir,
    ownerPid: opts.ownerPid,
  });
  await waitFor(
    `redis on port ${port}`,
    async () => {
      if (!isAlive(server.pid)) throw new Error(`redis-server exited:\n${tail(server.logFile)}`);
      return (await tcpAnswers(port, "PING\r\n", "+PONG")) ? true : undefined;
    },
    20_000,
    50,
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: server.pid,
    stop: () => server.stop(),
  };
}
