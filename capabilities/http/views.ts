// Pure functions from a status snapshot to the JSON each API route returns.
import { scrubSecrets } from "../config/describe";
import { WORKLOAD_KINDS } from "../workloads/kinds/registry";
import { evaluateReadiness, type ReadinessResult } from "./readiness";
import type {
  ChildStatus,
  LeadershipEvent,
  StatusSnapshot,
  StorageStatus,
  WorkloadStatus,
} from "./source";

export interface StatusView extends StatusSnapshot {
  isLeader: boolean;
  leaderID: string | null;
  ready: ReadinessResult;
  time: string;
}

export function statusView(
  snapshot: StatusSnapshot,
  readyOnlyWhenLeader: boolean,
  now: Date,
): StatusView {
  return {
    ...snapshot,
    storage: safeStorage(snapshot.storage),
    events: newestFirst(snapshot.events),
    isLeader: snapshot.instance.role === "leader",
    leaderID: snapshot.leader?.id ?? null,
    ready: evaluateReadiness(snapshot.readiness, readyOnlyWhenLeader),
    time: now.toISOString(),
  };
}

/** The runtime should pass masked values; this guards against a password slipping through anyway. */
export function safeStorage(storage: StorageStatus): StorageStatus {
  return {
    ...storage,
    address: scrubSecrets(storage.address),
    lastError: storage.lastError === null ? null : scrubSecrets(storage.lastError),
  };
}

export function newestFirst(events: readonly LeadershipEvent[]): LeadershipEvent[] {
  return [...events].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

/** Spellings accepted for each kind in /api/workloads/{namespace}/{kind}/{name}. */
export function canonicalKind(kind: string): string | undefined {
  const lower = kind.toLowerCase();
  const found = WORKLOAD_KINDS.find(({ names }) => {
    const spellings: readonly string[] = [
      names.singular,
      names.plural,
      ...names.shortNames,
      names.type,
    ];
    return spellings.includes(lower);
  });
  return found?.names.kind;
}

export function findWorkload(
  workloads: readonly WorkloadStatus[],
  namespace: string,
  kind: string,
  name: string,
): WorkloadStatus | undefined {
  const canonical = canonicalKind(kind) ?? kind;
  return workloads.find(w => w.namespace === namespace && w.kind === canonical && w.name === name);
}

export function workloadsNamed(
  workloads: readonly WorkloadStatus[],
  name: string,
): WorkloadStatus[] {
  return workloads.filter(w => w.name === name);
}

export interface PodView extends ChildStatus {
  namespace: string;
  workload: { kind: string; name: string };
}

export function podsView(workloads: readonly WorkloadStatus[]): PodView[] {
  return workloads.flatMap(w =>
    w.children
      .filter(c => c.kind === "Pod")
      .map(c => ({ ...c, namespace: w.namespace, workload: { kind: w.kind, name: w.name } })),
  );
}

const STORAGE_NAMES: Record<string, string> = {
  kubernetes: "Kubernetes Lease",
  redis: "Redis",
  db: "PostgreSQL",
  spanner: "Cloud Spanner",
};

/** The predecessor's /api/dbinfo shape: type, address, connected, details. */
export function dbinfoView(snapshot: StatusSnapshot): Record<string, unknown> {
  const s = safeStorage(snapshot.storage);
  return {
    type: s.type,
    address: s.address,
    connected: s.connected,
    lastError: s.lastError,
    details: { type: STORAGE_NAMES[s.type] ?? s.type },
  };
}

export function leaderView(snapshot: StatusSnapshot): Record<string, unknown> {
  return {
    // Each tenant has its own lock and leader; `highlander leader` shows which one this is.
    tenant: snapshot.instance.tenant,
    leader: snapshot.leader,
    self: {
      id: snapshot.instance.id,
      role: snapshot.instance.role,
      epoch: snapshot.instance.epoch,
    },
    isLeader: snapshot.instance.role === "leader",
  };
}
