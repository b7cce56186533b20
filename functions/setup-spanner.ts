// `tsx functions/setup-spanner.ts [--instance-config regional-us-central1]`: the one-time setup of
// the Spanner instance, database and table the lease service uses. Settings come from flags or
// HIGHLANDER_SPANNER_PROJECT_ID / _INSTANCE_ID / _DATABASE_ID; with SPANNER_EMULATOR_HOST set it
// works against the emulator. Safe to run again.
import { flag, parseArgs, rejectUnknown } from "../cli/args";
import { DEFAULT_DATABASE, DEFAULT_INSTANCE } from "./config";
import { setupSpanner } from "./spanner-setup";

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), new Set());
  rejectUnknown(args, ["project", "instance", "database", "instance-config", "processing-units"]);
  const env = process.env;
  const projectId = flag(args, "project") ?? env.HIGHLANDER_SPANNER_PROJECT_ID;
  if (!projectId) {
    process.stderr.write(
      "setup-spanner: set --project or HIGHLANDER_SPANNER_PROJECT_ID (and optionally --instance, " +
        "--database, --instance-config regional-<region>, --processing-units 100)\n",
    );
    return 2;
  }
  const units = flag(args, "processing-units");
  await setupSpanner({
    projectId,
    instanceId: flag(args, "instance") ?? (env.HIGHLANDER_SPANNER_INSTANCE_ID || DEFAULT_INSTANCE),
    databaseId: flag(args, "database") ?? (env.HIGHLANDER_SPANNER_DATABASE_ID || DEFAULT_DATABASE),
    instanceConfig: flag(args, "instance-config"),
    processingUnits: units ? Number(units) : undefined,
    log: message => process.stdout.write(`setup-spanner: ${message}\n`),
  });
  process.stdout.write("setup-spanner: done\n");
  return 0;
}

main().then(
  code => process.exit(code),
  err => {
    process.stderr.write(`setup-spanner: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
