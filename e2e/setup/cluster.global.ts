// Vitest global setup for e2e suites: a fresh local control plane for the run, torn down after it.
// When `npm test` already started one it passes HIGHLANDER_TEST_KUBECONFIG and we reuse that.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startCluster } from "../controlplane/cluster";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.HIGHLANDER_TEST_KUBECONFIG;
  if (existing) {
    project.provide("kubeconfig", existing);
    return async () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), "highlander-e2e-"));
  const cluster = await startCluster({ dir, ownerPid: process.pid, name: "e2e cluster" });
  project.provide("kubeconfig", cluster.kubeconfig);
  return () => cluster.stop();
}
