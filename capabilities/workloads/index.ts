// The Pepr capability for the four workload kinds. It binds nothing: the watches that feed our work
// queue are ours (runtime/watches.ts), because Pepr 1.1.4 opens every binding's watch cluster-wide,
// which namespaced mode's RBAC forbids, and crashes when one gives up.
import { Capability } from "pepr";
import { WORKLOAD_KINDS } from "./kinds/registry";

const kinds = WORKLOAD_KINDS.map(k => k.names.kind);

export const Workloads = new Capability({
  name: "highlander-workloads",
  description: `Keeps each ${kinds.slice(0, -1).join(", ")} and ${kinds.at(-1)} running exactly once.`,
});
