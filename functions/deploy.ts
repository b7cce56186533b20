// `npm run functions:deploy -- --project P --region R --token-secret S [--dry-run]`: bundles the
// lease service (functions/index.ts and the storage code it uses) into dist/functions with a
// package.json naming its runtime dependencies, prints the exact `gcloud functions deploy` command,
// and runs it unless --dry-run. Refuses to run without the required settings. Not run in CI.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { flag, parseArgs, rejectUnknown } from "../cli/args";
import { bundleLeaseService } from "./bundle";
import { deploySettings, gcloudDeployArgs, shellQuote } from "./deploy-command";

const root = resolve(__dirname, "..");
const FLAGS = [
  "project",
  "region",
  "token-secret",
  "name",
  "spanner-project",
  "spanner-instance",
  "spanner-database",
  "service-account",
  "allow-unauthenticated",
  "min-instances",
  "max-instances",
  "memory",
  "source",
  "dry-run",
];

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), new Set(["dry-run", "allow-unauthenticated"]));
  rejectUnknown(args, FLAGS);
  const input = Object.fromEntries(
    FLAGS.map(f => [f, flag(args, f)]).filter(([, v]) => v !== undefined),
  );
  const result = deploySettings(input, process.env);
  if (!result.ok) {
    process.stderr.write(`functions:deploy: missing settings:\n  ${result.missing.join("\n  ")}\n`);
    return 2;
  }
  const outDir = resolve(root, result.settings.source);
  await bundleLeaseService(outDir);
  process.stdout.write(`functions:deploy: bundled the lease service into ${outDir}\n`);
  const gcloudArgs = gcloudDeployArgs({ ...result.settings, source: outDir });
  process.stdout.write(`gcloud ${shellQuote(gcloudArgs)}\n`);
  if (flag(args, "dry-run") === "true") return 0;
  const res = spawnSync("gcloud", gcloudArgs, { stdio: "inherit" });
  if (res.error) {
    process.stderr.write(`functions:deploy: cannot run gcloud: ${res.error.message}\n`);
    return 1;
  }
  return res.status ?? 1;
}

main().then(
  code => process.exit(code),
  err => {
    process.stderr.write(`functions:deploy: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
