// What the pure builders need to know besides the custom resource itself.

export interface BuildContext {
  /** The Highlander tenant that owns this workload (label value on every child). */
  tenant: string;
  /** Server-side-apply field manager the caller uses; builders do not read it, callers may. */
  fieldManager?: string;
  /** A non-leading cluster keeps its workloads stopped: Deployments/StatefulSets get 0 replicas. */
  stopped?: boolean;
}
