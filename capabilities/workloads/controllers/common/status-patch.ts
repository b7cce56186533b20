// A JSON merge patch for `.status` that also clears fields the new status no longer has (a plain
// merge patch of the new status would leave, say, a stale podName behind).
import type { WorkloadStatus } from "../../crd/types";

export function statusMergePatch(
  previous: WorkloadStatus | undefined,
  next: WorkloadStatus,
): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...next };
  for (const key of Object.keys(previous ?? {})) {
    if (!(key in next)) patch[key] = null;
  }
  return patch;
}
