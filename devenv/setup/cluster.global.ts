// Vitest global setup for e2e suites: a fresh local control plane for the run (torn down after it), or
// the one `npm test` already started (HIGHLANDER_TEST_KUBECONFIG); the operator bundle built; and the
// cluster given what the operator needs (Pepr's store CRD, our CRDs).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureBinaries } from "../controlplane/build";
import { startCluster } from "../controlplane/cluster";
import { ensureModuleBuilt, prepareCluster } from "../lib/module";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureModuleBuilt();
  // The chart tests render with the helm built beside the control plane (test workers inherit env).
  process.env.HIGHLANDER_HELM ??= join(await ensureBinaries(), "helm");
  const existing = process.env.HIGHLANDER_TEST_KUBECONFIG;
  if (existing) {
    prepareCluster(existing);
    project.provide("kubeconfig", existing);
    return async () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), "highlander-e2e-"));
  const cluster = await startCluster({ dir, ownerPid: process.pid, name: "e2e cluster" });
  prepareCluster(cluster.kubeconfig);
  project.provide("kubeconfig", cluster.kubeconfig);
  return () => cluster.stop();
}
