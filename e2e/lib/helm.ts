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

/** `helm template hl dist/highlander-chart ARGS` (the chart `npm run build` writes): the rendered YAML. */
export function helmTemplate(args: string[], helm = findHelm()): string {
  if (!helm) throw new Error("helm is not available (HIGHLANDER_HELM or PATH)");
  const chart = join(root, "dist", "highlander-chart");
  if (!existsSync(chart)) throw new Error(`${chart} is missing: run npm run build first`);
  const r = spawnSync(helm, ["template", "hl", chart, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return r.stdout;
}
