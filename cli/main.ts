// `highlander` — the command line: create, delete and list workload resources, show the leader of each
// tenant, and ask a leader to step down. Kubernetes calls use $KUBECONFIG (or --kubeconfig); leader
// commands talk to operators' HTTP ports (--url, repeatable).
import { KubeConfig } from "@kubernetes/client-node";
import { API_VERSION, KINDS, WORKLOAD_TYPES } from "../capabilities/workloads/crd/kinds";
import { KubeClient, type KubeObject } from "../capabilities/runtime/kube-client";
import {
  boolFlag,
  flag,
  flags,
  parseArgs,
  rejectUnknown,
  UsageError,
  type ParsedArgs,
} from "./args";
import { run, RUN_USAGE } from "./run";
import { resolveType, workloadFromFlags } from "./workload-spec";
import { formatTable } from "./table";

const USAGE = `usage: highlander <command> [options]

commands:
  create <kind> --name N --image I [options]   create or update a workload resource
      kinds: process (wlp), cronjob (wlc), service (wls), persistent (wlper)
      options: --namespace/-n, --script LINE (repeat), --shell, --command ARG (repeat), --arg ARG,
               --schedule "*/5 * * * *", --restart-policy, --cpu-request, --memory-request,
               --cpu-limit, --memory-limit, --env K=V (repeat), --replicas, --port name:port[:svcPort],
               --health-check-path, --health-check-port, --volume name:path:size[:class],
               --max-restarts, --concurrency-policy, --time-zone, --tenant, --dry-run
  delete <kind> <name> [-n NAMESPACE]           delete a workload resource (its children follow)
  status [-n NAMESPACE | -A]                    every workload of the four kinds, with ACTIVE and HEALTHY
  leader --url URL [--url URL …]                the leader each operator reports, per tenant
  step-down --url URL                           ask the leader behind URL to step down
${RUN_USAGE}

global: --kubeconfig PATH`;

const BOOLEAN_FLAGS = new Set(["all-namespaces", "dry-run", "help"]);

function client(args: ParsedArgs): KubeClient {
  const kc = new KubeConfig();
  const path = flag(args, "kubeconfig");
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return new KubeClient(kc, "highlander-cli");
}

interface Workload extends KubeObject {
  status?: { active?: boolean; healthy?: boolean; message?: string };
}

async function create(args: ParsedArgs): Promise<void> {
  const type = resolveType(args.positionals.shift());
  const resource = workloadFromFlags(type, args);
  if (boolFlag(args, "dry-run")) {
    process.stdout.write(`${JSON.stringify(resource, null, 2)}\n`);
    return;
  }
  await client(args).apply(resource);
  process.stdout.write(
    `${KINDS[type].singular}/${resource.metadata.name} applied in namespace ${resource.metadata.namespace}\n`,
  );
}

async function remove(args: ParsedArgs): Promise<void> {
  rejectUnknown(args, ["namespace", "kubeconfig"]);
  const type = resolveType(args.positionals[0]);
  const name = args.positionals[1];
  if (!name) throw new UsageError("delete needs a name: highlander delete <kind> <name>");
  const namespace = flag(args, "namespace") ?? "default";
  const deleted = await client(args).delete({
    apiVersion: API_VERSION,
    kind: KINDS[type].kind,
    namespace,
    name,
  });
  process.stdout.write(
    deleted
      ? `${KINDS[type].singular}/${name} deleted\n`
      : `${KINDS[type].singular}/${name} not found\n`,
  );
}

function age(created: string | Date | undefined, now = Date.now()): string {
  if (!created) return "";
  const seconds = Math.max(0, Math.round((now - new Date(created).getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

async function status(args: ParsedArgs): Promise<void> {
  rejectUnknown(args, ["namespace", "all-namespaces", "kubeconfig"]);
  const namespace = boolFlag(args, "all-namespaces") ? undefined : flag(args, "namespace");
  const kube = client(args);
  const rows: string[][] = [];
  for (const type of WORKLOAD_TYPES) {
    const items = await kube.list<Workload>({
      apiVersion: API_VERSION,
      kind: KINDS[type].kind,
      namespace,
    });
    for (const item of items) {
      const s = item.status ?? {};
      rows.push([
        KINDS[type].kind,
        item.metadata?.namespace ?? "",
        item.metadata?.name ?? "",
        s.active === undefined ? "" : String(s.active),
        s.healthy === undefined ? "" : String(s.healthy),
        age(item.metadata?.creationTimestamp),
        s.message ?? "",
      ]);
    }
  }
  if (rows.length === 0) {
    process.stdout.write(namespace ? `no workloads in namespace ${namespace}\n` : "no workloads\n");
    return;
  }
  process.stdout.write(
    formatTable(["KIND", "NAMESPACE", "NAME", "ACTIVE", "HEALTHY", "AGE", "MESSAGE"], rows),
  );
}

interface Envelope<T> {
  status: "success" | "error";
  data?: T;
  error?: string;
}

async function call<T>(url: string, method = "GET"): Promise<T> {
  const res = await fetch(url, { method });
  const body = (await res.json().catch(() => undefined)) as Envelope<T> | undefined;
  if (!res.ok || body?.status !== "success") {
    throw new Error(`${method} ${url}: ${res.status} ${body?.error ?? res.statusText}`);
  }
  return body.data as T;
}

interface LeaderView {
  tenant?: string;
  leader?: { id?: string; cluster?: string; epoch?: number; expiresAt?: string } | null;
  instance?: { id?: string; role?: string };
}

async function leader(args: ParsedArgs): Promise<void> {
  rejectUnknown(args, ["url"]);
  const urls = flags(args, "url");
  if (urls.length === 0)
    throw new UsageError("leader needs --url http://OPERATOR:8080 (repeat for several tenants)");
  const rows: string[][] = [];
  for (const url of urls) {
    const view = await call<LeaderView>(`${url.replace(/\/$/, "")}/api/leader`);
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
}

async function stepDown(args: ParsedArgs): Promise<void> {
  rejectUnknown(args, ["url"]);
  const url = flag(args, "url");
  if (!url) throw new UsageError("step-down needs --url http://LEADER:8080");
  await call(`${url.replace(/\/$/, "")}/api/leader/step-down`, "POST");
  process.stdout.write(
    "the leader stepped down; a standby takes over within about one retry period\n",
  );
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const args = parseArgs(rest, BOOLEAN_FLAGS);
    if (!command || command === "help" || command === "--help" || boolFlag(args, "help")) {
      process.stdout.write(`${USAGE}\n`);
      return command ? 0 : 2;
    }
    switch (command) {
      case "create":
        await create(args);
        return 0;
      case "delete":
        await remove(args);
        return 0;
      case "status":
        await status(args);
        return 0;
      case "leader":
        await leader(args);
        return 0;
      case "step-down":
        await stepDown(args);
        return 0;
      case "run":
        return await run(args);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`highlander: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`highlander: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
