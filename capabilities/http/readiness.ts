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
  for (const scope of inputs.unsyncedCaches ?? []) reasons.push(`cache not synced: ${scope}`);
  if (!inputs.storageReachable) reasons.push("lock storage is unreachable");
  if (inputs.crdProblem) reasons.push(inputs.crdProblem);
  if (readyOnlyWhenLeader && !inputs.isLeader)
    reasons.push("not the leader (readyOnlyWhenLeader is set)");
  return { ready: reasons.length === 0, reasons, checks: { ...inputs, readyOnlyWhenLeader } };
}

/**
 * The predecessor's /readyz and /health body (k8-highlander pkg/server/server.go readyzHandler):
 * plain "ok", or "not ready - <reason>".
 */
export function readinessText(result: Pick<ReadinessResult, "ready" | "reasons">): string {
  return result.ready ? "ok" : `not ready - ${result.reasons.join("; ")}`;
}

/**
 * Whether a probe request wants that text rather than our JSON envelope: under the compatibility
 * switch (`?shape=k8-highlander`), or when its Accept header names text/plain and not JSON. The
 * kubelet and curl send `*\/*` and get JSON; only the status code matters to them either way.
 */
export function wantsReadinessText(accept: string | undefined, predecessorShape: boolean): boolean {
  if (predecessorShape) return true;
  const types = (accept ?? "").split(",").map(t => t.split(";")[0]?.trim().toLowerCase() ?? "");
  return types.includes("text/plain") && !types.includes("application/json");
}
