// The four workload kinds. Everything that differs by kind (CRD generator, Pepr registration, client
// plurals, dashboard, config file lists, tracker, RBAC, build copies, reconcile) iterates this list;
// adding a kind is one folder under kinds/ and one line here.
import { cronjobKind } from "./cronjob";
import { persistentKind } from "./persistent";
import { processKind } from "./process";
import { serviceKind } from "./service";
import type { WorkloadKind } from "./define";

export const WORKLOAD_KINDS = [processKind, cronjobKind, serviceKind, persistentKind] as const;

/** process | cronjob | service | persistent: the label and metric tag. */
export type WorkloadType = (typeof WORKLOAD_KINDS)[number]["names"]["type"];
/** WorkloadProcess | WorkloadCronJob | …: the Kubernetes kind. */
export type WorkloadKindName = (typeof WORKLOAD_KINDS)[number]["names"]["kind"];

/** The kind called `kind` (WorkloadCronJob); throws for a kind that is not ours. */
export function kindNamed(kind: string): WorkloadKind {
  const found = WORKLOAD_KINDS.find(k => k.names.kind === kind);
  if (!found) throw new Error(`unknown workload kind ${kind}`);
  return found;
}

/** The kind tagged `type` (cronjob); throws for a tag that is not ours. */
export function kindOfType(type: string): WorkloadKind {
  const found = WORKLOAD_KINDS.find(k => k.names.type === type);
  if (!found) throw new Error(`unknown workload type ${type}`);
  return found;
}
