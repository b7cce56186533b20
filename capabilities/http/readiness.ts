// Readiness as a pure decision: ready when the watches have synced and storage answers; with
// readyOnlyWhenLeader, additionally only on the leader (so a Service can route to the leader alone).
import type { ReadinessInputs } from "./source";

export interface ReadinessResult {
  ready: boolean;
  reasons: string[];
  checks: ReadinessInputs & { readyOnlyWhenLeader: boolean };
}

export function evaluateReadiness(
  inputs: ReadinessInputs,
  readyOnlyWhenLeader: boolean,
): ReadinessResult {
  const reasons: string[] = [];
  if (!inputs.watchesSynced) reasons.push("watches have not synced yet");
  for (const lost of inputs.lostWatches) reasons.push(`watch lost: ${lost}`);
  if (!inputs.storageReachable) reasons.push("lock storage is unreachable");
  if (inputs.crdProblem) reasons.push(inputs.crdProblem);
  if (readyOnlyWhenLeader && !inputs.isLeader)
    reasons.push("not the leader (readyOnlyWhenLeader is set)");
  return { ready: reasons.length === 0, reasons, checks: { ...inputs, readyOnlyWhenLeader } };
}
