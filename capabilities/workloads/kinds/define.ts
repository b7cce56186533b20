// Turns a kind's typed definition into a registry entry. The registry holds kinds of different spec
// and observation types side by side; each entry carries its own validate and reconcile entry points,
// closed over its types, so callers never need to know (or cast to) a kind's spec.
import type { KindNames } from "../crd/group";
import type { WorkloadStatus } from "../crd/types";
import type { HandlerResult } from "../../runtime/queue";
import { validateSpec } from "../controllers/common/validate-spec";
import type { ReconcileContext } from "../reconcilers/context";
import { reconcileKind, type WorkloadRef } from "../reconcilers/reconcile-kind";
import type { ChildSummary, KindCrd, KindDefinition } from "./definition";

/** A kind as the rest of the operator sees it: no spec types, only what every kind offers. */
export interface WorkloadKind<N extends KindNames = KindNames> {
  names: N;
  crd: KindCrd;
  example: object;
  /** Every problem with a spec from anywhere (custom resource or config file); [] when valid. */
  validateSpec(spec: unknown): string[];
  reconcile(key: WorkloadRef, rc: ReconcileContext): Promise<HandlerResult | void>;
  children(name: string, status: WorkloadStatus): ChildSummary[];
}

export function defineKind<S extends object, O, N extends KindNames>(
  kind: KindDefinition<S, O> & { names: N },
): KindDefinition<S, O> & WorkloadKind<N> {
  return {
    ...kind,
    validateSpec: spec => validateSpec(kind, spec),
    reconcile: (key, rc) => reconcileKind(kind, key, rc),
  };
}
