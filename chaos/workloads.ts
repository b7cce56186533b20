// The workloads every chaos run applies, one of each kind, and the spec changes made during faults so
// that a leader always has writes in flight when a fault hits it.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OPERATOR_GROUP } from "../devenv/controlplane/cluster";
import { kubectlAsync } from "../devenv/lib/kubectl-async";

export const PROCESS_NAME = "solo";
export const CRON_NAME = "ticker";
export const CRON_PERIOD_S = 10;
const GROUP = "highlander.plexobject.io/v1";

function workloadManifests(ns: string): object[] {
  return [
    {
      apiVersion: GROUP, kind: "WorkloadProcess", metadata: { name: PROCESS_NAME, namespace: ns },
      spec: { image: "busybox", script: { commands: ["sleep 3600"] }, restartPolicy: "Always" },
    },
    {
      apiVersion: GROUP, kind: "WorkloadCronJob", metadata: { name: CRON_NAME, namespace: ns },
      spec: {
        image: "busybox", script: { commands: ["true"] }, schedule: `*/${CRON_PERIOD_S} * * * * *`,
        // Every tick must get its Job, whatever the last one is doing: with the default Forbid a tick
        // is skipped, by design, while the previous Job still runs (slow to finish after an API-server
        // restart), and the auditor could not tell that from a tick lost by the operator.
        concurrencyPolicy: "Allow",
        successfulJobsHistoryLimit: 100, failedJobsHistoryLimit: 100,
      },
    },
    {
      apiVersion: GROUP, kind: "WorkloadService", metadata: { name: "web", namespace: ns },
      spec: { image: "nginx", replicas: 1, ports: [{ name: "http", containerPort: 8080 }], env: { GEN: "0" } },
    },
    {
      apiVersion: GROUP, kind: "WorkloadPersistent", metadata: { name: "db", namespace: ns },
      spec: { image: "postgres", replicas: 1, ports: [{ name: "pg", containerPort: 5432 }], env: { GEN: "0" } },
    },
  ]; // prettier-ignore
}

/** Every kubectl call of the suite is bounded: a hung one must not stall the fault loop. */
const KUBECTL_TIMEOUT_MS = 20_000;

export async function applyWorkloads(kubeconfig: string, ns: string, dir: string): Promise<void> {
  const file = join(dir, "workloads.json");
  writeFileSync(
    file,
    JSON.stringify({ apiVersion: "v1", kind: "List", items: workloadManifests(ns) }),
  );
  try {
    await kubectlAsync(kubeconfig, ["apply", "-f", file], KUBECTL_TIMEOUT_MS);
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * Changes the env of the Deployment- and StatefulSet-backed workloads (generation n): the leader then
 * patches their children. Fire and forget; a failure (API server restarting) is only logged.
 */
export function touchWorkloads(
  kubeconfig: string,
  ns: string,
  n: number,
  log: (m: string) => void,
): void {
  const patch = JSON.stringify({ spec: { env: { GEN: String(n) } } });
  for (const target of ["workloadservice/web", "workloadpersistent/db"]) {
    kubectlAsync(
      kubeconfig,
      ["patch", "-n", ns, target, "--type=merge", "-p", patch],
      KUBECTL_TIMEOUT_MS,
    ).catch((err: unknown) =>
      log(`touch ${target}: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
}

/**
 * Whether kube-apiserver admits the replicas' writes again after a restart. Two things come back some
 * seconds after it answers: the ValidatingAdmissionPolicy can resolve the HighlanderFence CRD of its
 * params (until then it refuses every write the policy matches, "failed to configure policy"; checked
 * with a server-side dry run of an empty patch of the WorkloadProcess, as the admin), and the RBAC
 * authorizer has its bindings again (until then every replica gets 403 "forbidden"; checked with a
 * SubjectAccessReview for one replica, which goes through the same authorizer).
 */
export async function replicaWritesAdmitted(
  kubeconfig: string,
  ns: string,
  replica: string,
): Promise<boolean> {
  try {
    await kubectlAsync(kubeconfig, [
      "patch", "-n", ns, `workloadprocess/${PROCESS_NAME}`, "--type=merge", "-p", "{}", "--dry-run=server",
    ], KUBECTL_TIMEOUT_MS); // prettier-ignore
    // Exits non-zero on "no".
    await kubectlAsync(kubeconfig, [
      "auth", "can-i", "create", "jobs", "-n", ns, "--as", replica, "--as-group", OPERATOR_GROUP,
    ], KUBECTL_TIMEOUT_MS); // prettier-ignore
    return true;
  } catch {
    return false;
  }
}
