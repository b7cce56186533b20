// A throwaway PostgreSQL 15 cluster on loopback: initdb (trust auth, no fsync) into a temp folder
// owned by the postgres user, since initdb and postgres refuse to run as root.
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { isAlive, run, startServer, tail, waitFor } from "../lib/processes";
import { freePort } from "../lib/ports";
import { tcpAnswers } from "./net";

const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

export interface PostgresService {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port after `stop()` (its data survives). */
  restart(): Promise<void>;
}

export interface PostgresOptions {
  /** Parent folder; must be reachable by the postgres user (a folder under /tmp is). */
  dir: string;
  ownerPid?: number;
}

/**
 * The postgres user must be able to walk down to the data folder; temp folders are created 0700,
 * so grant search (o+x) on every ancestor below the system temp folder.
 */
function makeReachable(dir: string): void {
  const root = resolve(tmpdir());
  for (let d = resolve(dir); d.startsWith(root + "/"); d = dirname(d)) {
    const mode = statSync(d).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(d, mode | 0o001);
  }
}

export async function startPostgres(opts: PostgresOptions): Promise<PostgresService> {
  mkdirSync(opts.dir, { recursive: true });
  chmodSync(opts.dir, 0o777);
  makeReachable(opts.dir);
  const dataDir = join(opts.dir, "pgdata");
  const socketDir = join(opts.dir, "socket");
  const logDir = join(opts.dir, "logs");
  for (const dir of [socketDir, logDir]) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
  }
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    run("runuser", [
      "-u", "postgres", "--", join(POSTGRES_BIN, "initdb"),
      "-A", "trust", "-N", "-U", "postgres", "-D", dataDir,
    ]); // prettier-ignore
  }
  const port = await freePort();
  let pid = 0;
  const launch = async () => {
    const server = startServer({
      name: `postgres-${port}`,
      command: join(POSTGRES_BIN, "postgres"),
      args: [
        "-D", dataDir, "-p", String(port), "-k", socketDir,
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
        "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
      ], // prettier-ignore
      logDir,
      user: "postgres",
      ownerPid: opts.ownerPid,
    });
    pid = server.pid;
    await waitFor(
      `postgres on port ${port}`,
      async () => {
        if (!isAlive(server.pid)) throw new Error(`postgres exited:\n${tail(server.logFile)}`);
        if (!(await tcpAnswers(port))) return undefined;
        try {
          run(join(POSTGRES_BIN, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port)]);
          return true;
        } catch {
          return undefined;
        }
      },
      30_000,
      100,
    );
    return server;
  };
  let server = await launch();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    get pid() {
      return pid;
    },
    dataDir,
    async stop() {
      // Fast shutdown: SIGTERM alone is "smart" and waits for every client to disconnect.
      try {
        run("runuser", [
          "-u",
          "postgres",
          "--",
          join(POSTGRES_BIN, "pg_ctl"),
          "stop",
          "-m",
          "fast",
          "-w",
          "-D",
          dataDir,
        ]);
      } catch {
        // Not running (or already stopping): the group stop below finishes the job.
      }
      await server.stop();
    },
    async restart() {
      server = await launch();
    },
  };
}
