// The operator's resolved configuration: every value present, typed, validated.
import type { ReadAuthMode } from "../http/auth";
import type { LogLevel } from "../logging/levels";
import type { WorkloadKindName } from "../workloads/kinds/registry";

export const STORAGE_TYPES = ["kubernetes", "redis", "db", "spanner"] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

export type WorkloadKind = WorkloadKindName;

/**
 * A workload declared in the config file. `spec` holds every field of the entry except name and
 * namespace, unchecked: the runtime converts it into the same object as a custom resource's spec and
 * validates it with the same rules, so config-file and CR workloads cannot drift apart.
 */
export interface ConfigWorkload {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  spec: Record<string, unknown>;
  /** Where it came from, for error messages, e.g. "workloads.processes[0]". */
  source: string;
  /**
   * The predecessor's `workloadCRDRef`: the entry names an existing custom resource instead of
   * carrying a spec. Nothing is applied for it; the CR is reconciled like any other of this tenant.
   */
  ref?: WorkloadCRDRef;
}

/** `workloadCRDRef: {apiVersion, kind, name, namespace}` in a config-file entry. */
export interface WorkloadCRDRef {
  apiVersion: string;
  kind: WorkloadKind;
  name: string;
  namespace: string;
}

export interface HighlanderConfig {
  /** This instance's identity in the lock (default: the hostname, i.e. the pod name). */
  id: string;
  tenant: string;
  port: number;
  /** Default namespace of config-file workloads. */
  namespace: string;
  /** An observer: never tries to lead. */
  remainsFollower: boolean;
  storageType: StorageType;
  redis: { addr: string; password: string; db: number; tls: boolean };
  /** PostgreSQL URL for storageType "db". */
  databaseURL: string;
  spanner: { projectID: string; instanceID: string; databaseID: string };
  cluster: { name: string; kubeconfig: string };
  terminationGracePeriodMs: number;
  /** Lease timings, in the sense of client-go's leader election. */
  lease: {
    durationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
    /** As configured, or derived when 0 (storage/timing.ts defaultRenewInterval). */
    renewIntervalMs: number;
    stepDownAtRenewDeadline: boolean;
  };
  /** Namespace of the Lease object when storageType is "kubernetes". */
  leaseNamespace: string;
  /** When true, /readyz reports ready only on the leader. */
  readyOnlyWhenLeader: boolean;
  logLevel: LogLevel;
  /** The HTTP port's bind address ("" = all interfaces) and extra Host names it answers to. */
  http: { bindAddress: string; allowedHosts: string[] };
  /** Credentials for mutating API routes besides TokenReview: a static token or a file holding one. */
  api: { token: string; tokenFile: string; readAuth: ReadAuthMode };
  /** The namespaces watched and managed; empty: every namespace. */
  watchNamespaces: string[];
  workloads: ConfigWorkload[];
}
