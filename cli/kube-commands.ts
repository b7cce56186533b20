// The commands that talk to Kubernetes: create, delete, status. main.ts imports this file lazily, so
// only these commands pay for loading @kubernetes/client-node. Credentials: --kubeconfig, else
// $KUBECONFIG, ~/.kube/config or the in-cluster account. Each resolves the process exit code.
import { KubeConfig } from "@kubernetes/client-node";
import { API_VERSION, KINDS, WORKLOAD_TYPES } from "../capabilities/workloads/crd/kinds";
import { KubeClient, type KubeObject } from "../capabilities/runtime/kube-client";
import { boolFlag, flag, rejectUnknown, UsageError, type ParsedArgs } from "./args";
import { printable } from "./printable";
import { formatTable } from "./table";
import { resolveType, workloadFromFlags } from "./workload-spec";

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

export async function create(args: ParsedArgs): Promise<number> {
  const type = resolveType(args.positionals.shift());
  const resource = workloadFromFlags(type, args);
  if (boolFlag(args, "dry-run")) {
    process.stdout.write(`${JSON.stringify(resource, null, 2)}\n`);
    return 0;
  }
  await client(args).apply(resource);
  process.stdout.write(
    `${KINDS[type].singular}/${resource.metadata.name} applied in namespace ${resource.metadata.namespace}\n`,
  );
  return 0;
}

/** Like kubectl: a missing object is an error (exit 1) unless --ignore-not-found. */
export async function remove(args: ParsedArgs): Promise<number> {
  rejectUnknown(args, ["namespace", "kubeconfig", "ignore-not-found"]);
  const type = resolveType(args.positionals[0]);
  const name = args.positionals[1];
  if (!name) throw new UsageError("delete needs a name: highlander delete <kind> <name>");
  if (args.positionals.length > 2)
    throw new UsageError(`delete takes one name, got ${args.positionals.length - 1}`);
  const namespace = flag(args, "namespace") ?? "default";
  const deleted = await client(args).delete({
    apiVersion: API_VERSION,
    kind: KINDS[type].kind,
    namespace,
    name,
  });
  const what = `${KINDS[type].singular}/${printable(name)}`;
  if (deleted) {
    process.stdout.write(`${what} deleted\n`);
    return 0;
  }
  if (boolFlag(args, "ignore-not-found")) return 0;
  process.stderr.write(`highlander: ${what} not found in namespace ${printable(namespace)}\n`);
  return 1;
}

function age(created: string | Date | undefined, now = Date.now()): string {
  if (!created) return "";
  const seconds = Math.max(0, Math.round((now - new Date(created).getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

export async function status(args: ParsedArgs): Promise<number> {
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
        // A status is whatever was written to it; only strings are printed as they are.
        typeof s.message === "string"
          ? s.message
          : s.message === undefined
            ? ""
            : JSON.stringify(s.message),
      ]);
    }
  }
  if (rows.length === 0) {
    process.stdout.write(
      namespace ? `no workloads in namespace ${printable(namespace)}\n` : "no workloads\n",
    );
    return 0;
  }
  process.stdout.write(
    formatTable(["KIND", "NAMESPACE", "NAME", "ACTIVE", "HEALTHY", "AGE", "MESSAGE"], rows),
  );
  return 0;
}
