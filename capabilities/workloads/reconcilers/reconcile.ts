// The work queue's handler for a workload key: the kind named in the key reconciles it
// (reconcile-kind.ts holds the one generic reconcile every kind shares).
import type { HandlerResult } from "../../runtime/queue";
import { kindNamed } from "../kinds/registry";
import type { ReconcileContext } from "./context";
import type { WorkloadRef } from "./reconcile-kind";

export { tenantOf } from "./reconcile-kind";

export async function reconcileWorkload(
  key: WorkloadRef,
  rc: ReconcileContext,
): Promise<HandlerResult | void> {
  return kindNamed(key.kind).reconcile(key, rc);
}
