// A WorkloadService's own spec fields (beyond the replicated ones it shares with WorkloadPersistent).
import type { ReplicatedSpec, WorkloadServiceSpec } from "../../crd/types";
import { str } from "../../crd/schema/common-fields";
import type { SchemaFor } from "../../crd/schema/json-schema";

/** The first is the default. */
export const SERVICE_STRATEGIES: readonly NonNullable<WorkloadServiceSpec["strategy"]>[] = [
  "Recreate",
  "RollingUpdate",
];

export function serviceSpecProperties(): SchemaFor<
  Omit<WorkloadServiceSpec, keyof ReplicatedSpec>
> {
  return {
    strategy: str(
      "Deployment update strategy: Recreate (default; old pods stop before new ones start) or " +
        "RollingUpdate with maxSurge 0 (still never more pods than replicas).",
      { enum: [...SERVICE_STRATEGIES], default: SERVICE_STRATEGIES[0] },
    ),
  };
}
