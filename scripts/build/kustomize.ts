// Renders a kustomization with kubectl's built-in kustomize (no separate kustomize binary needed).
import { spawnSync } from "node:child_process";

export function kubectlKustomize(dir: string): string {
  // The module Secrets make the output larger than spawnSync's default 1 MiB buffer.
  const result = spawnSync("kubectl", ["kustomize", dir], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error)
    throw new Error(`kubectl kustomize ${dir} failed to start: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`kubectl kustomize ${dir} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}
