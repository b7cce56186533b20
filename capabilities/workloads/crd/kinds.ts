// The kinds' names as tables, for callers that look a kind up by its tag or iterate the tags (the CLI,
// the operator's start-up, metrics, e2e suites). Derived from kinds/registry.ts: nothing is spelled here.
import { WORKLOAD_KINDS, type WorkloadKindName, type WorkloadType } from "../kinds/registry";
import type { KindNames } from "./group";

export { API_VERSION, GROUP, VERSION } from "./group";
export type { WorkloadKindName, WorkloadType };

export const WORKLOAD_TYPES: WorkloadType[] = WORKLOAD_KINDS.map(k => k.names.type);

export const KINDS: Record<string, KindNames> = Object.fromEntries(
  WORKLOAD_KINDS.map(k => [k.names.type, k.names]),
);

/** The tag of a kind name (WorkloadCronJob → cronjob); throws for a kind that is not ours. */
export function typeOfKind(kind: string): WorkloadType {
  const found = WORKLOAD_KINDS.find(k => k.names.kind === kind);
  if (!found) throw new Error(`unknown workload kind ${kind}`);
  return found.names.type;
}
