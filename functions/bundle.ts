// Builds the deployable lease service: functions/index.ts and the storage code it imports, bundled
// into one index.js, plus a package.json naming the runtime dependencies Cloud Build installs.
// The integration tests serve this same bundle with the Functions Framework.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(__dirname, "..");
/** Installed by Cloud Build from the generated package.json, not bundled. */
export const RUNTIME_DEPENDENCIES = [
  "@google-cloud/functions-framework",
  "@google-cloud/spanner",
  "prom-client",
];
/** Drivers of the other backends: loaded lazily by createLockStore, never by the service. */
const UNUSED_DRIVERS = ["ioredis", "pg", "@kubernetes/client-node"];

export async function bundleLeaseService(outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(root, "functions/index.ts")],
    outfile: join(outDir, "index.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: [...RUNTIME_DEPENDENCIES, ...UNUSED_DRIVERS],
    logLevel: "warning",
  });
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const dependencies = Object.fromEntries(RUNTIME_DEPENDENCIES.map(d => [d, pkg.dependencies[d]]));
  const manifest = {
    name: "highlander-leases",
    private: true,
    main: "index.js",
    engines: { node: ">=20" },
    dependencies,
  };
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}
