// CLI: regenerates crds/*.yaml from the TypeScript schema source.
// Usage: npx tsx capabilities/workloads/crd/write-crds.ts
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderAllCrds } from "./schema/render-crds";

const crdDir = join(import.meta.dirname, "..", "..", "..", "crds");
for (const { file, yaml } of renderAllCrds()) {
  writeFileSync(join(crdDir, file), yaml);
  process.stdout.write(`wrote crds/${file}\n`);
}
