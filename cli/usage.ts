// The CLI's help texts: one per command (`highlander <command> --help`) and the global one, which
// lists them all. Kept free of imports beyond constants so `--help` loads nothing heavy.
import { EXIT_LEASE_LOST, EXIT_REFUSED } from "./run-codes";

export const COMMANDS = ["create", "delete", "status", "leader", "step-down", "run"] as const;
export type Command = (typeof COMMANDS)[number];

export function isCommand(word: string | undefined): word is Command {
  return (COMMANDS as readonly string[]).includes(word ?? "");
}

const CREATE = `  create <kind> --name N --image I [options]   create or update a workload resource
      kinds: process (wlp), cronjob (wlc), service (wls), persistent (wlper)
      options: --namespace/-n, --script LINE (repeat), --shell, --command ARG (repeat), --arg ARG,
               --schedule "*/5 * * * *", --restart-policy, --cpu-request, --memory-request,
               --cpu-limit, --memory-limit, --env K=V (repeat), --replicas, --port name:port[:svcPort],
               --health-check-path, --health-check-port, --volume name:path:size[:class],
               --max-restarts, --concurrency-policy, --time-zone, --tenant, --dry-run`;

const DELETE = `  delete <kind> <name> [-n NAMESPACE] [--ignore-not-found]
      delete a workload resource (its children follow); a missing one exits 1 unless
      --ignore-not-found`;

const STATUS = `  status [-n NAMESPACE | -A]                    every workload of the four kinds, with ACTIVE and HEALTHY`;

const LEADER = `  leader [--tenant T …] [--lease-namespace NS] | --url URL [--url URL …] [--token T]
      the leader of each tenant. Without --url it reads the lock itself, where the operator's
      configuration puts it (HIGHLANDER_* variables, HIGHLANDER_CONFIG or /etc/highlander/config.yaml):
      the Lease in the lease namespace (default pepr-system) and the tenant's HighlanderFence through
      the kubeconfig, or the Redis / PostgreSQL / Spanner store; --tenant defaults to the configured
      one (default). With --url it asks each operator's HTTP API (GET /api/leader)`;

const STEP_DOWN = `  step-down --url LEADER [--url OTHER …] [--force] [--token T]
      ask the leader behind the first --url to step down. The other --url's are its peers: unless one
      of them is a standby of the same tenant, it refuses (exit 1), since nothing would take over;
      --force steps down anyway. --token (or HIGHLANDER_API_TOKEN) is sent as Authorization: Bearer`;

const RUN = `  run --lease TENANT/NAME (--service URL | --storage TYPE) [options] -- COMMAND [ARG…]
      run COMMAND while holding the lease; at most one runner per lease runs its command
      --service URL (or HIGHLANDER_LEASE_SERVICE_URL), --token T (or HIGHLANDER_LEASE_TOKEN)
      --storage redis|db|spanner|kubernetes with --redis-addr, --database-url,
               --spanner-project-id/-instance-id/-database-id, --kubeconfig, --namespace (or env)
      --holder ID, --cluster-name C, --lease-duration 10s, --renew-deadline 7s,
      --retry-period 2s, --grace-period 10s
      the command gets HIGHLANDER_EPOCH, HIGHLANDER_LEASE and HIGHLANDER_HOLDER; exit code: the
      command's, ${EXIT_LEASE_LOST} when the lease was lost, ${EXIT_REFUSED} when the service refused us`;

const TEXT: Record<Command, string> = {
  create: CREATE,
  delete: DELETE,
  status: STATUS,
  leader: LEADER,
  "step-down": STEP_DOWN,
  run: RUN,
};

const GLOBAL = `global: --kubeconfig PATH, --help/-h (also \`highlander <command> --help\`), --version
exit codes: 0 success, 1 failure (including "not found"), 2 usage error`;

export const USAGE = `usage: highlander <command> [options]

commands:
${COMMANDS.map(c => TEXT[c]).join("\n")}

${GLOBAL}`;

export function commandUsage(command: Command): string {
  return `usage: highlander ${command} …\n\n${TEXT[command]}\n\n${GLOBAL}`;
}
