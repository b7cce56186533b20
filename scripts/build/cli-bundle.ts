// Bundles the `highlander` CLI (cli/main.ts and what it imports from the repository) into one CommonJS
// file, dist/cli/highlander.cjs, so a call costs a plain `node` start instead of transpiling
// TypeScript at run time. npm packages stay outside (`packages: "external"`): they are installed
// anyway, and the bundle stays small and quick to build. Commands are imported lazily (cli/main.ts),
// so `--help` evaluates almost nothing.
// The exception is @kubernetes/client-node: loaded from node_modules it is ~970 ES module files and
// took longer to load than everything else together (seconds per `status`). It gets a bundle of its
// own, dist/cli/kube-vendor.cjs, which the CLI bundle requires only when a
// Kubernetes command runs.
// Beside the bundle, highlander.inputs.json lists the repository files it was built from, so
// bin/highlander.cjs can rebuild it when any of them is newer.
// Run by `npm run build` (scripts/build.ts) and, when the bundle is missing or stale, by
// bin/highlander.cjs (`node <tsx cli> scripts/build/cli-bundle.ts`).
import { build, type BuildOptions, type OutputFile, type Plugin } from "esbuild";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { kubeClientImports } from "./kube-client-imports";
import { join, resolve } from "node:path";

const CLI_BUNDLE = "dist/cli/highlander.cjs";
const CLI_INPUTS = "dist/cli/highlander.inputs.json";

const KUBE_VENDOR = "kube-vendor.cjs";

/** In the CLI bundle, `@kubernetes/client-node` is the vendored bundle beside it. */
const vendoredKubeClient: Plugin = {
  name: "vendored-kube-client",
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({
      path: `./${KUBE_VENDOR}`,
      external: true,
    }));
  },
};

const COMMON: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
  write: false,
};

/**
 * Each file is written beside its place and renamed over it: two first calls of the CLI at once
 * may both build, and neither must load the other's half-written bundle.
 */
function writeAtomically(files: readonly Pick<OutputFile, "path" | "contents">[]): void {
  for (const file of files) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

/** Writes the bundles and the input list under `root`; resolves the CLI bundle's path. */
export async function bundleCli(root: string): Promise<string> {
  const outfile = join(root, CLI_BUNDLE);
  mkdirSync(join(root, "dist/cli"), { recursive: true });
  const main = await build({
    ...COMMON,
    absWorkingDir: root,
    entryPoints: ["cli/main.ts"],
    outfile,
    packages: "external",
    plugins: [vendoredKubeClient],
    metafile: true,
    // A separate .map (node --enable-source-maps) leaves the bundle itself quick to parse.
    sourcemap: true,
  });
  // (write: false in COMMON; the spread hides that from the result's type.)
  const mainFiles = main.outputFiles ?? [];
  // Only the names the bundled sources import: all of the package bundled is 14 MB, which took
  // seconds to parse on every `status`; these few are about 1.9 MB.
  const names = kubeClientImports(
    Object.keys(main.metafile.inputs)
      .filter(p => !p.includes("node_modules/"))
      .map(p => readFileSync(join(root, p), "utf8")),
  );
  const vendor = await build({
    ...COMMON,
    absWorkingDir: root,
    stdin: {
      contents: `export { ${names.join(", ")} } from "@kubernetes/client-node";`,
      resolveDir: root,
    },
    outfile: join(root, "dist/cli", KUBE_VENDOR),
    // Its optional extras (a websocket speed-up) are loaded by name when present.
    external: ["bufferutil", "utf-8-validate"],
  });
  // package-lock.json stands for the vendored client: a dependency upgrade rebuilds it.
  const inputs = [
    ...Object.keys(main.metafile.inputs).filter(p => !p.includes("node_modules/")),
    "package-lock.json",
  ];
  // The vendored client first, then the CLI bundle: its mtime is what bin/highlander.cjs compares.
  writeAtomically([
    ...(vendor.outputFiles ?? []),
    ...mainFiles,
    { path: join(root, CLI_INPUTS), contents: Buffer.from(`${JSON.stringify(inputs, null, 2)}\n`) },
  ]);
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
