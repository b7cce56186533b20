// A WorkloadProcess's own spec fields, CEL rules, defaults and printer columns. The defaults are
// written once: the CRD's `default:` and the controller's fallback both read PROCESS_DEFAULTS.
import type { CommonSpec, RestartPolicy, WorkloadProcessSpec } from "../../crd/types";
import { duration, int, restartPolicy } from "../../crd/schema/common-fields";
import { AGE, COMMON_COLUMNS, LEADER, MESSAGE } from "../../crd/schema/columns";
import type { CelRule, PrinterColumn, SchemaFor } from "../../crd/schema/json-schema";

export const PROCESS_DEFAULTS: Readonly<{ restartPolicy: RestartPolicy; maxRestarts: number }> = {
  restartPolicy: "Never",
  maxRestarts: 5,
};

export function processSpecProperties(): SchemaFor<Omit<WorkloadProcessSpec, keyof CommonSpec>> {
  return {
    restartPolicy: restartPolicy(
      PROCESS_DEFAULTS.restartPolicy,
      "Always/OnFailure let the controller re-create the pod after it ends (Always: whatever the " +
        "exit code; OnFailure: only after a failure), within maxRestarts.",
    ),
    maxRestarts: int("Restart budget; the controller gives up after this many restarts.", {
      minimum: 0,
      default: PROCESS_DEFAULTS.maxRestarts,
    }),
    gracePeriod: duration("gracePeriod", "How long the pod gets to stop after SIGTERM."),
  };
}

export function processSpecRules(): CelRule[] {
  return [
    {
      rule: "!has(self.gracePeriod) || !has(self.terminationGracePeriodSeconds)",
      message: "set gracePeriod or terminationGracePeriodSeconds, not both",
    },
  ];
}

export const PROCESS_COLUMNS: readonly PrinterColumn[] = [
  ...COMMON_COLUMNS,
  AGE,
  { name: "Phase", type: "string", jsonPath: ".status.phase", priority: 1 },
  { name: "Restarts", type: "integer", jsonPath: ".status.restartCount", priority: 1 },
  LEADER,
  MESSAGE,
];
