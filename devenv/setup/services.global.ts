// Vitest global setup for the storage suites: Redis, PostgreSQL, the Spanner emulator and a local
// Kubernetes control plane for the run, torn down after it. Each one is reused instead when `npm test`
// already started it and passed its address in the environment.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startCluster } from "../controlplane/cluster";
import { startPostgres } from "../services/postgres";
import { startRedis } from "../services/redis";
import { startSpanner } from "../services/spanner";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), "highlander-storage-"));
  const owner = { ownerPid: process.pid };
  const stops: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    const env = process.env;
    if (env.HIGHLANDER_TEST_REDIS_URL) project.provide("redisUrl", env.HIGHLANDER_TEST_REDIS_URL);
    else {
      const redis = await startRedis({ dir: join(dir, "redis"), ...owner });
      stops.push(redis.stop);
      project.provide("redisUrl", redis.url);
    }
    if (env.HIGHLANDER_TEST_DATABASE_URL) {
      project.provide("databaseUrl", env.HIGHLANDER_TEST_DATABASE_URL);
    } else {
      const postgres = await startPostgres({ dir: join(dir, "postgres"), ...owner });
      stops.push(postgres.stop);
      project.provide("databaseUrl", postgres.url);
    }
    if (env.HIGHLANDER_TEST_SPANNER_EMULATOR_HOST) {
      project.provide("spannerEmulatorHost", env.HIGHLANDER_TEST_SPANNER_EMULATOR_HOST);
    } else {
      const spanner = await startSpanner({ dir: join(dir, "spanner"), ...owner });
      stops.push(() => spanner.stop(2000));
      project.provide("spannerEmulatorHost", spanner.emulatorHost);
    }
    if (env.HIGHLANDER_TEST_KUBECONFIG)
      project.provide("kubeconfig", env.HIGHLANDER_TEST_KUBECONFIG);
    else {
      const cluster = await startCluster({
        dir: join(dir, "cluster"),
        name: "storage cluster",
        ...owner,
      });
      stops.push(cluster.stop);
      project.provide("kubeconfig", cluster.kubeconfig);
    }
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
