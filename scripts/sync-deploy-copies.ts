// Refreshes the copies of crds/*.yaml, Pepr's store CRD and the bootstrap script that manifests/ and
// charts/highlander/ carry (see scripts/build/copies.ts for why they are copies).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expectedFiles, staleFiles } from "./build/copies";

export function syncDeployCopies(root: string): string[] {
  for (const stale of staleFiles(root)) rmSync(join(root, stale));
  const written: string[] = [];
  for (const [path, content] of expectedFiles(root)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    written.push(path);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(import.meta.dirname, "..");
  const written = syncDeployCopies(root);
  process.stdout.write(`wrote ${written.length} files\n`);
}
