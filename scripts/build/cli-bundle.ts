// Bundles the `highlander` CLI (cli/main.ts and what it imports from the repository) into one CommonJS
// file, dist/cli/highlander.cjs, so a call costs a plain `node` start instead of transpiling
// TypeScript at run time. npm packages stay outside (`packages: "external"`): they are installed
// anyway, the bundle stays small and quick to build, and the heavy ones (the kube client, storage
// drivers) are only loaded by the commands that import them lazily.
// Beside the bundle, highlander.inputs.json lists the repository files it was built from, so
// bin/highlander.cjs can rebuild it when any of them is newer.
// Run by `npm run build` (scripts/build.ts) and, when the bundle is missing or stale, by
// bin/highlander.cjs (`node <tsx cli> scripts/build/cli-bundle.ts`).
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const CLI_BUNDLE = "dist/cli/highlander.cjs";
export const CLI_INPUTS = "dist/cli/highlander.inputs.json";

/** Writes the bundle and its input list under `root`; resolves the bundle's path. */
export async function bundleCli(root: string): Promise<string> {
  const outfile = join(root, CLI_BUNDLE);
  mkdirSync(join(root, "dist/cli"), { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["cli/main.ts"],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    metafile: true,
    logLevel: "warning",
    // A separate .map (node --enable-source-maps) leaves the bundle itself quick to parse.
    sourcemap: true,
  });
  const inputs = Object.keys(result.metafile.inputs).filter(p => !p.includes("node_modules/"));
  writeFileSync(join(root, CLI_INPUTS), `${JSON.stringify(inputs, null, 2)}\n`);
  return outfile;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) {
  bundleCli(resolve(__dirname, "../..")).catch((err: unknown) => {
    process.stderr.write(
      `cli bundle failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
}
