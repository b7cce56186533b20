// helm for the chart's tests. It is not a project dependency: the e2e global setup builds it beside the
// control plane and sets HIGHLANDER_HELM; a helm on PATH also works.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");

/** The helm binary, or undefined when none answers. */
export function findHelm(): string | undefined {
  const candidate = process.env.HIGHLANDER_HELM ?? "helm";
  const r = spawnSync(candidate, ["version", "--short"], { encoding: "utf8" });
  return r.status === 0 ? candidate : undefined;
}

let released = false;

/**
 * Writes the release artifacts (install YAML, module Secrets, our chart in dist/highlander-chart) from
 * the manifests as they are now, once per test process: re-packs an existing bundle (a few seconds),
 * or runs the whole build when there is none. Needed because `pepr build` (the e2e setup's or the chaos
 * suite's module rebuild) writes a chart of its own under the same name.
 */
export function buildReleaseArtifacts(): void {
  if (released) return;
  const bundle = join(root, "dist", "pepr-highlander.js");
  const args = existsSync(bundle) ? ["scripts/build.ts", "--reuse-bundle"] : ["scripts/build.ts"];
  const r = spawnSync(join(root, "node_modules", ".bin", "tsx"), args, {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  released = true;
}

/** `helm template hl dist/highlander-chart ARGS` (our chart, built first): the rendered YAML. */
export function helmTemplate(args: string[], helm = findHelm()): string {
  if (!helm) throw new Error("helm is not available (HIGHLANDER_HELM or PATH)");
  buildReleaseArtifacts();
  const chart = join(root, "dist", "highlander-chart");
  const r = spawnSync(helm, ["template", "hl", chart, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return r.stdout;
}
