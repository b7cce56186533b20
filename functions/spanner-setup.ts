// One-time Spanner setup for the lease service: the instance (only when asked, or on the emulator),
// the database, and the LeaderLocks table — with the operator's own DDL (SPANNER_TABLE_DDL), so the
// service and the operator share one schema. Idempotent: existing pieces are left as they are.
import { Spanner } from "@google-cloud/spanner";
import { configureForEmulator, SPANNER_TABLE_DDL } from "../storage/backends/spanner";

export interface SpannerSetupOptions {
  projectId: string;
  instanceId: string;
  databaseId: string;
  /** host:port of an emulator (else SPANNER_EMULATOR_HOST); the instance config is then implied. */
  emulatorHost?: string;
  /**
   * Instance config to create a missing instance with, e.g. "regional-us-central1". Without it (and
   * without an emulator) a missing instance is an error: creating one costs money every hour.
   */
  instanceConfig?: string;
  /** Compute capacity of a created instance; 100 processing units is the smallest. */
  processingUnits?: number;
  log?: (message: string) => void;
}

const ALREADY_EXISTS = 6;

function code(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

export async function setupSpanner(opts: SpannerSetupOptions): Promise<void> {
  const log = opts.log ?? (() => {});
  const emulator = opts.emulatorHost ?? process.env.SPANNER_EMULATOR_HOST;
  if (emulator) configureForEmulator(emulator);
  const spanner = new Spanner({ projectId: opts.projectId });
  try {
    const instance = spanner.instance(opts.instanceId);
    const [instanceExists] = await instance.exists();
    if (instanceExists) {
      log(`instance ${opts.instanceId} exists`);
    } else {
      const config = emulator ? "emulator-config" : opts.instanceConfig;
      if (!config) {
        throw new Error(
          `instance ${opts.instanceId} does not exist in project ${opts.projectId}: create it ` +
            `(e.g. --instance-config regional-us-central1) or point at an existing one`,
        );
      }
      log(`creating instance ${opts.instanceId} (${config})`);
      try {
        const [, op] = await spanner.createInstance(opts.instanceId, {
          config,
          processingUnits: opts.processingUnits ?? 100,
          displayName: opts.instanceId,
        });
        await op.promise();
      } catch (err) {
        if (code(err) !== ALREADY_EXISTS) throw err;
      }
    }
    const database = instance.database(opts.databaseId);
    const [dbExists] = await database.exists();
    if (!dbExists) {
      log(`creating database ${opts.databaseId} with table LeaderLocks`);
      try {
        const [, op] = await instance.createDatabase(opts.databaseId, {
          schema: [SPANNER_TABLE_DDL],
        });
        await op.promise();
        return;
      } catch (err) {
        if (code(err) !== ALREADY_EXISTS) throw err;
      }
    }
    const [statements] = await database.getSchema();
    if (statements.some(ddl => /CREATE TABLE LeaderLocks\b/i.test(ddl))) {
      log(`database ${opts.databaseId} has table LeaderLocks`);
      return;
    }
    log(`creating table LeaderLocks in ${opts.databaseId}`);
    const [op] = await database.updateSchema([SPANNER_TABLE_DDL]);
    await op.promise();
  } finally {
    spanner.close();
  }
}
