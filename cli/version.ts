// `highlander --version`: the version in package.json, found by walking up from this file, which is
// cli/ when run from source and dist/cli/ when run from the bundle.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function cliVersion(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "highlander" && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return "unknown";
  }
}
