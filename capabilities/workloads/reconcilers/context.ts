// What one reconcile of one workload gets to work with: the I/O edges (reads, guarded writes, events)
// and the facts it acts on (mode, tenant, leader, clock). Built fresh for every reconcile.
import type { KubeClient } from "../../runtime/kube-client";
import type { EventSink } from "../../runtime/events";
import type { LeaderInfo } from "../../runtime/leadership";
import type { GuardedWriter } from "../../runtime/writer";
import type { BuildContext } from "../controllers/common/context";

export interface ReconcileContext {
  /** Fresh reads only: every write goes through `writer`, the fenced path. */
  client: Pick<KubeClient, "get" | "list">;
  /** Every write: checks leadership (or standby-cluster keeping) and stamps the epoch. */
  writer: GuardedWriter;
  events: EventSink;
  /** "active": run the workload here; "standby-cluster": another cluster runs it, keep it stopped here. */
  mode: "active" | "standby-cluster";
  tenant: string;
  /** This replica's cluster. */
  cluster: string;
  /** The leader as last observed (ourselves when active). */
  leader: LeaderInfo | undefined;
  now: Date;
  /** Consecutive failed reconciles of this workload before this one (transient errors show after a few). */
  failures?: number;
}

/**
 * What the pure builders get: the tenant from the reconcile context (the epoch is the writer's to
 * stamp). `stopped` (0 replicas) holds outside active mode, and when the caller stops the workload
 * for its deletion.
 */
export function buildContext(rc: ReconcileContext, stopped = rc.mode !== "active"): BuildContext {
  return { tenant: rc.tenant, stopped };
}
