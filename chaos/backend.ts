// The lock store of one chaos run, started on loopback, and what the faults can do to it.
import { join } from "node:path";
import { startPostgres, startRedis, startSpanner, type RedisService } from "../devenv/services";
import type { Backend } from "./options";

export interface LockBackend {
  name: Backend;
  /** Where replicas reach the store (through their own proxy); absent: the store is kube-apiserver. */
  target?: { host: string; port: number };
  /** HIGHLANDER_* settings that point a replica at the store, reached at `port` (its proxy). */
  env(port: number | undefined): Record<string, string>;
  /** SIGSTOP / SIGCONT of the store's process group (not for the Kubernetes Lease: that is etcd). */
  pause?(): void;
  resume?(): void;
  /** Kill the store and start it again on the same port (with its persistence, if any). */
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // Gone already.
  }
}

export async function startBackend(
  name: Backend,
  dir: string,
  leaseNamespace: string,
): Promise<LockBackend> {
  switch (name) {
    case "kubernetes":
      return {
        name,
        env: () => ({
          HIGHLANDER_STORAGE_TYPE: "kubernetes",
          HIGHLANDER_LEASE_NAMESPACE: leaseNamespace,
        }),
        stop: async () => undefined,
      };
    case "redis":
    case "redis-aof": {
      const appendOnly = name === "redis-aof";
      const redisDir = join(dir, "redis");
      let redis: RedisService = await startRedis({
        dir: redisDir,
        ownerPid: process.pid,
        appendOnly,
      });
      return {
        name,
        target: { host: "127.0.0.1", port: redis.port },
        env: port => ({
          HIGHLANDER_STORAGE_TYPE: "redis",
          // host:port, the predecessor's addr form (a redis:// URL here would be split as a host).
          HIGHLANDER_REDIS_ADDR: `127.0.0.1:${port}`,
        }),
        pause: () => signalGroup(redis.pid, "SIGSTOP"),
        resume: () => signalGroup(redis.pid, "SIGCONT"),
        async restart() {
          // SIGKILL, not a shutdown: an append-only file with fsync always keeps every write anyway.
          signalGroup(redis.pid, "SIGCONT");
          signalGroup(redis.pid, "SIGKILL");
          await redis.stop();
          redis = await startRedis({
            dir: redisDir,
            ownerPid: process.pid,
            appendOnly,
            port: redis.port,
          });
        },
        stop: () => redis.stop(),
      };
    }
    case "postgres": {
      const pg = await startPostgres({ dir: join(dir, "postgres"), ownerPid: process.pid });
      return {
        name,
        target: { host: "127.0.0.1", port: pg.port },
        env: port => ({
          HIGHLANDER_STORAGE_TYPE: "db",
          HIGHLANDER_DATABASE_URL: pg.url.replace(`:${pg.port}`, `:${port}`),
        }),
        pause: () => signalGroup(pg.pid, "SIGSTOP"),
        resume: () => signalGroup(pg.pid, "SIGCONT"),
        async restart() {
          await pg.stop();
          await pg.restart();
        },
        stop: () => pg.stop(),
      };
    }
    case "spanner": {
      const spanner = await startSpanner({ dir: join(dir, "spanner"), ownerPid: process.pid });
      return {
        name,
        target: { host: "127.0.0.1", port: spanner.port },
        env: port => ({
          HIGHLANDER_STORAGE_TYPE: "spanner",
          HIGHLANDER_SPANNER_PROJECT_ID: "highlander-chaos",
          // The emulator host makes the operator create the instance and database when missing.
          SPANNER_EMULATOR_HOST: `127.0.0.1:${port}`,
        }),
        pause: () => signalGroup(spanner.pid, "SIGSTOP"),
        resume: () => signalGroup(spanner.pid, "SIGCONT"),
        stop: () => spanner.stop(),
      };
    }
  }
}
