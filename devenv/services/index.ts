// Starts every storage service the storage tests and the failover benchmark need, side by side.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres, type PostgresService } from "./postgres";
import { startRedis, type RedisService } from "./redis";
import { startSpanner, type SpannerService } from "./spanner";

export { startPostgres, startRedis, startSpanner };
export type { RedisService };

export interface AllServices {
  redis: RedisService;
  postgres: PostgresService;
  spanner: SpannerService;
  stop(): Promise<void>;
}

/**
 * Redis, PostgreSQL and the Spanner emulator, each in a sub-folder of `dir` (default: a new temp
 * folder), tied to `ownerPid` when given (they are killed when it dies).
 */
export async function startAllServices(
  opts: { dir?: string; ownerPid?: number } = {},
): Promise<AllServices> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "highlander-services-"));
  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const service of started.reverse()) await service.stop();
  };
  try {
    const redis = await startRedis({ dir: join(dir, "redis"), ownerPid: opts.ownerPid });
    started.push(redis);
    const postgres = await startPostgres({
      dir: join(dir, "postgres"),
      ownerPid: opts.ownerPid,
    });
    started.push(postgres);
    const spanner = await startSpanner({
      dir: join(dir, "spanner"),
      ownerPid: opts.ownerPid,
    });
    started.push(spanner);
    return { redis, postgres, spanner, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
