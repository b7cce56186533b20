// `leader` and `step-down`: they talk to operators' HTTP ports (--url). `leader` without --url reads
// the lock itself (cli/lock-leader.ts, imported only then).
import { boolFlag, flag, flags, rejectUnknown, UsageError, type ParsedArgs } from "./args";
import { OperatorApi, type Fetch, type LeaderView } from "./operator-api";
import { formatTable } from "./table";

function api(args: ParsedArgs, fetchFn?: Fetch): OperatorApi {
  return new OperatorApi(flag(args, "token") ?? process.env.HIGHLANDER_API_TOKEN, fetchFn);
}

export async function leader(args: ParsedArgs, fetchFn?: Fetch): Promise<number> {
  const urls = flags(args, "url");
  if (urls.length === 0) {
    // No operator named: read the lock itself, where the operator's configuration says it is.
    rejectUnknown(args, ["tenant", "lease-namespace", "kubeconfig"]);
    return (await import("./lock-leader")).leaderFromLock(args);
  }
  rejectUnknown(args, ["url", "token"]);
  const client = api(args, fetchFn);
  const rows: string[][] = [];
  for (const url of urls) {
    const view = await client.call<LeaderView>(url, "/api/leader");
    rows.push([
      view.tenant ?? "",
      view.leader?.id ?? "(none)",
      view.leader?.cluster ?? "",
      view.leader?.epoch === undefined ? "" : String(view.leader.epoch),
      view.leader?.expiresAt ?? "",
      url,
    ]);
  }
  process.stdout.write(
    formatTable(["TENANT", "LEADER", "CLUSTER", "EPOCH", "EXPIRES", "ASKED"], rows),
  );
  return 0;
}

/**
 * Why stepping down `target` must not happen, or undefined when it may. The operators only know the
 * lock, not who else is waiting for it, so a standby counts only when the caller named it (--url)
 * and it reports itself a standby of the same tenant.
 */
export function stepDownRefusal(target: LeaderView, peers: LeaderView[]): string | undefined {
  const role = target.self?.role ?? (target.isLeader ? "leader" : "unknown");
  if (role !== "leader") return `not the leader: this instance is ${role}`;
  const standbys = peers.filter(p => p.tenant === target.tenant && p.self?.role === "standby");
  if (standbys.length > 0) return undefined;
  return (
    `no standby would take over tenant ${target.tenant ?? "?"}: name one with another --url ` +
    `(it must report role standby), or pass --force to stop the only leader`
  );
}

export async function stepDown(args: ParsedArgs, fetchFn?: Fetch): Promise<number> {
  rejectUnknown(args, ["url", "force", "token"]);
  const [url, ...others] = flags(args, "url");
  if (!url) throw new UsageError("step-down needs --url http://LEADER:8080");
  const client = api(args, fetchFn);
  const force = boolFlag(args, "force");
  const target = await client.call<LeaderView>(url, "/api/leader");
  const peers = await Promise.all(others.map(u => client.call<LeaderView>(u, "/api/leader")));
  const refusal = stepDownRefusal(target, peers);
  // Not being the leader is the server's call too (409); --force only overrides the missing standby.
  if (refusal && (!force || refusal.startsWith("not the leader"))) {
    process.stderr.write(`highlander: ${refusal}\n`);
    return 1;
  }
  await client.call(url, "/api/leader/step-down", "POST");
  process.stdout.write(
    refusal
      ? "the leader stepped down (--force); no standby was named, so none may take over\n"
      : "the leader stepped down; a standby takes over within about one retry period\n",
  );
  return 0;
}
