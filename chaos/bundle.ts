// The module bundle the replicas run. devenv/lib/module.ts rebuilds it when any .ts outside its own
// exclusion list is newer, and that list does not name chaos/: editing the suite would cost a
// four-minute `pepr build` on every run. So look at what the bundle is really built from first.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureModuleBuilt, MODULE_FILE, ROOT } from "../devenv/lib/module";

const SOURCES = ["pepr.ts", "package.json", "capabilities", "storage"];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return path.endsWith(".test.ts") ? 0 : stat.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

export function ensureBundle(): string {
  const sources = Math.max(...SOURCES.map(s => newest(join(ROOT, s))));
  if (existsSync(MODULE_FILE) && statSync(MODULE_FILE).mtimeMs >= sources) return MODULE_FILE;
  return ensureModuleBuilt();
}
