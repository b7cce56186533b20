// The operator's configuration at start: flags, environment and config file, with the config-file
// workloads checked against the custom resources' rules. Anything wrong ends the process (exit 2)
// with every problem in one fatal log line; `--version` answers before any config is read.
import { hostname } from "node:os";
import { loadConfig, ConfigError, type HighlanderConfig } from "../config";
import { cliVersion } from "../../cli/version";
import { processLogger } from "../logging/pepr-bridge";
import { checkConfigWorkloads } from "./config-workloads";
import { operatorArgs } from "./storage-config";

export function loadConfigOrExit(): { config: HighlanderConfig; warnings: string[] } {
  // The predecessor's binary answered --version; so does ours, before any config is read.
  if (operatorArgs(process.argv.slice(2)).includes("--version")) {
    process.stdout.write(`highlander ${cliVersion()}\n`);
    process.exit(0);
  }
  try {
    const loaded = loadConfig({
      argv: operatorArgs(process.argv.slice(2)),
      env: process.env,
      hostname: hostname(),
    });
    const checked = checkConfigWorkloads(loaded.config.workloads);
    if (checked.problems.length > 0) throw new ConfigError(checked.problems);
    return { ...loaded, warnings: [...loaded.warnings, ...checked.warnings] };
  } catch (err) {
    const problems = err instanceof ConfigError ? [...err.problems] : [String(err)];
    processLogger().fatal({ problems }, `invalid configuration: ${problems.join("; ")}`);
    process.exit(2);
  }
}
