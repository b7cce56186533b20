// `highlander` — the command line: create, delete and list workload resources, show the leader of each
// tenant, and ask a leader to step down. Kubernetes calls use $KUBECONFIG (or --kubeconfig); leader
// commands talk to operators' HTTP ports (--url, repeatable).
// Each command's module is imported when that command runs: `--help`, `--version` and the HTTP
// commands never load the kube client or the storage code.
// Exit codes, like kubectl's: 0 success, 1 failure (a missing object included), 2 usage error.
import { boolFlag, parseArgs, UsageError, type ParsedArgs } from "./args";
import { commandUsage, isCommand, USAGE, type Command } from "./usage";
import { cliVersion } from "./version";

const BOOLEAN_FLAGS = new Set([
  "all-namespaces",
  "dry-run",
  "help",
  "version",
  "force",
  "ignore-not-found",
]);

async function dispatch(command: Command, args: ParsedArgs): Promise<number> {
  switch (command) {
    case "create":
      return (await import("./kube-commands")).create(args);
    case "delete":
      return (await import("./kube-commands")).remove(args);
    case "status":
      return (await import("./kube-commands")).status(args);
    case "leader":
      return (await import("./leader-commands")).leader(args);
    case "step-down":
      return (await import("./leader-commands")).stepDown(args);
    case "run":
      return (await import("./run")).run(args);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  // `highlander help [command]` reads as `highlander [command] --help`.
  const [command, tail] = first === "help" ? [rest[0], ["--help"]] : [first, rest];
  let usage = USAGE;
  try {
    if (command === "--version" || command === "version") {
      process.stdout.write(`highlander ${cliVersion()}\n`);
      return 0;
    }
    if (command === undefined || command === "--help" || command === "-h") {
      process.stdout.write(`${USAGE}\n`);
      return command ? 0 : 2;
    }
    if (!isCommand(command)) throw new UsageError(`unknown command "${command}"`);
    usage = commandUsage(command);
    const args = parseArgs(tail, BOOLEAN_FLAGS);
    if (boolFlag(args, "help")) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    return await dispatch(command, args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`highlander: ${err.message}\n\n${usage}\n`);
      return 2;
    }
    process.stderr.write(`highlander: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
