// The copies in manifests/crds, charts/highlander/crds and charts/highlander/files must equal their
// sources: a CRD changed in crds/ without `npx tsx scripts/sync-deploy-copies.ts` fails here.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { crdFiles, driftedFiles, expectedFiles, plannedCopies, staleFiles } from "./copies";

const root = resolve(import.meta.dirname, "..", "..");

function write(base: string, path: string, content: string): void {
  mkdirSync(dirname(join(base, path)), { recursive: true });
  writeFileSync(join(base, path), content);
}

describe("deployment copies", () => {
  it("covers the four workload CRDs and Pepr's store CRD", () => {
    const targets = plannedCopies(root).map(c => c.to);
    for (const kind of [
      "workloadprocesses",
      "workloadcronjobs",
      "workloadservices",
      "workloadpersistents",
    ]) {
      expect(crdFiles(root)).toContain(`${kind}.yaml`);
      expect(targets).toContain(`manifests/crds/${kind}.yaml`);
      expect(targets).toContain(`charts/highlander/crds/${kind}.yaml`);
    }
    expect(targets).toContain("manifests/crds/peprstore-crd.yaml");
  });

  it("are identical to their sources in this repository", () => {
    expect(driftedFiles(root)).toEqual([]);
    expect(staleFiles(root)).toEqual([]);
  });

  it("detects a copy that differs, is missing, or has no source any more", () => {
    const base = mkdtempSync(join(tmpdir(), "highlander-copies-"));
    write(base, "crds/a.yaml", "kind: A\n");
    write(base, "manifests/pepr/peprstore-crd.yaml", "kind: Store\n");
    write(base, "manifests/core/bootstrap.js", "// boot\n");
    write(base, "manifests/fence/fence-policy.yaml", "kind: Policy\n");
    write(base, "gitops/argocd/health.lua", "return {}\n");
    for (const [path, content] of expectedFiles(base)) write(base, path, content);
    expect(driftedFiles(base)).toEqual([]);

    write(base, "crds/a.yaml", "kind: A2\n");
    write(base, "charts/highlander/crds/gone.yaml", "kind: Gone\n");
    expect(driftedFiles(base)).toEqual(["manifests/crds/a.yaml", "charts/highlander/crds/a.yaml"]);
    expect(staleFiles(base)).toEqual(["charts/highlander/crds/gone.yaml"]);
  });
});
