// The Pepr capability for the four workload kinds. It registers the kinds and nothing else: the
// watches that feed our work queue are ours (runtime/watches.ts), because Pepr 1.1.4 opens every
// binding's watch cluster-wide, which namespaced mode's RBAC forbids, and crashes when one gives up.
import { Capability } from "pepr";
import { registerWorkloadKinds } from "./crd/register";

registerWorkloadKinds();

export const Workloads = new Capability({
  name: "highlander-workloads",
  description:
    "Keeps each WorkloadProcess, WorkloadCronJob, WorkloadService and WorkloadPersistent running exactly once.",
});
