// What a workload kind is, in one typed object: its names, its CRD schema, the validation its CRD
// cannot express, how it reconciles (observe, converge, keep stopped) and how it judges its status.
// Each kinds/<kind>/index.ts exports one; kinds/registry.ts lists them, and everything that used to
// switch over the kind iterates that list instead. S is the kind's spec, O what it observes of its
// children.
import type { KindNames } from "../crd/group";
import type { WorkloadObject, WorkloadStatus } from "../crd/types";
import type { CelRule, JSONSchema, PrinterColumn } from "../crd/schema/json-schema";
import type { KindVerdict, StatusSituation, WorkloadProblem } from "../controllers/common/status";
import type { KubeObject } from "../../runtime/kube-client";
import type { ReconcileContext } from "../reconcilers/context";

/** A custom resource of the kind as the API server returns it (its schema checked the spec's shape). */
export type KindObject<S> = WorkloadObject<S> & KubeObject;

/** What a converge (or an observation) found, and when to come back. */
export interface Observation<O> {
  observed: O;
  requeueAfterMs?: number;
  /** Something the resource must show (a name clash with an object we do not own). */
  problem?: WorkloadProblem;
  /**
   * The converge wrote something others wait on (a cron tick's Job): end the pass now, without the
   * status write, and come back at once (after the keys already waiting), when the status is written
   * from what is there. Frees the worker for the next tick's Job when many fall on one second.
   */
  statusLater?: boolean;
}

/** Keeping the workload stopped (standby cluster or deletion): done once nothing runs here. */
export interface Stopping<O> extends Observation<O> {
  stopped: boolean;
}

/** The kind's part of the CustomResourceDefinition; the generator adds the common fields and rules. */
export interface KindCrd {
  description: string;
  /** Child names (and label values) are derived from the workload name: this is the longest that fits. */
  maxNameLength: number;
  /** The workload name also names a Service, so it must be a DNS-1035 label. */
  namesAService: boolean;
  /** Required spec fields besides image. */
  required: readonly string[];
  properties(): Record<string, JSONSchema>;
  rules(): CelRule[];
  columns: readonly PrinterColumn[];
}

/** A child as the dashboard lists it (kind, name, one-word state). */
export interface ChildSummary {
  kind: string;
  name: string;
  status: string;
}

export interface KindDefinition<S, O> {
  names: KindNames;
  crd: KindCrd;
  /** The smallest valid spec (the e2e suites apply it to a real API server). */
  example: S;
  /** Problems the CRD schema cannot catch (or that config-file workloads skip); [] when valid. */
  validate(spec: S): string[];
  /** What exists now, changing nothing (the spec is invalid, or a write failed). */
  observe(cr: KindObject<S>, rc: ReconcileContext): Promise<O>;
  /** Active mode: make the children match the spec. */
  converge(cr: KindObject<S>, rc: ReconcileContext): Promise<Observation<O>>;
  /**
   * Standby cluster (deleting false: children applied at 0 replicas) or deletion (deleting true:
   * only scaled down, as the API server may refuse the spec and the finalizer must still come off).
   */
  keepStopped(
    cr: KindObject<S>,
    rc: ReconcileContext,
    why: string,
    deleting: boolean,
  ): Promise<Stopping<O>>;
  /** What Active and Healthy mean for this kind (pure; see controllers/common/status.ts). */
  verdict(cr: WorkloadObject<S>, observed: O, situation: StatusSituation): KindVerdict;
  /** The children the dashboard shows, from the status alone. */
  children(name: string, status: WorkloadStatus): ChildSummary[];
}
