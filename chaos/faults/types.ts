// What every fault kind gets to work with and what it reports.
import type { Cluster } from "../../devenv/controlplane/cluster";
import type { LockBackend } from "../backend";
import type { LeadershipObserver } from "../leadership";
import type { Backend } from "../options";
import type { Replica } from "../replica";
import type { Rng } from "../rng";

export interface FaultContext {
  rng: Rng;
  replicas: Replica[];
  backend: LockBackend;
  cluster: Cluster;
  observer: LeadershipObserver;
  leaseMs: number;
  /** A spec change of the workloads (by the admin), so a leader has writes in flight during a fault. */
  touchWorkloads(): void;
  /** Whether kube-apiserver admits the replicas' writes: fence policy and RBAC (chaos/workloads.ts). */
  replicaWritesAdmitted(): Promise<boolean>;
  log(message: string): void;
}

export interface FaultResult {
  kind: string;
  /** The replica or service the fault hit. */
  target: string;
  startedAt: number;
  endedAt: number;
  /** From the fault to the first sample of a new leadership term, when there was one. */
  takeoverMs?: number;
  notes: string[];
}

export interface Fault {
  kind: string;
  supports(backend: Backend): boolean;
  run(ctx: FaultContext): Promise<FaultResult>;
}
