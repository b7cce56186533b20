// `npm run build`: `pepr build` bundles the module; this script then writes the deployable artefacts
// that Pepr 1.1.4 cannot (see docs/operations.md):
//   - manifests/module/: the kustomize component carrying the bundled module (split over Secrets),
//     used by `kubectl apply -k manifests` and `-k manifests/namespaced`;
//   - dist/pepr-module-<uuid>.yaml: the whole highly available, least-privilege install in one file
//     (`kubectl kustomize manifests`), replacing Pepr's one-replica, Recreate, `*`-RBAC manifest;
//   - dist/<uuid>-chart/: charts/highlander plus the module's hash, and dist/highlander-module.yaml, the
//     module Secrets the chart mounts (a Helm release Secret cannot hold a module this large);
//   - dist/zarf.yaml for the rendered manifest;
//   - dist/cli/highlander.cjs, the bundled `highlander` CLI (scripts/build/cli-bundle.ts).
// Arguments are passed to `pepr build`, except --reuse-bundle, which skips it and packs the existing
// dist/pepr-<uuid>.js (quick iterations on the manifests, and the e2e test when a bundle exists).
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { parseDocument } from "yaml";
import { bundleCli } from "./build/cli-bundle";
import { kubectlKustomize } from "./build/kustomize";
import {
  componentKustomization,
  MODULE_GITIGNORE,
  moduleSecrets,
  packModule,
  toYamlStream,
  zarfYaml,
  type PackedModule,
} from "./build/module-artifacts";
import { run } from "../devenv/lib/processes";
import { syncDeployCopies } from "./sync-deploy-copies";

const root = resolve(import.meta.dirname, "..");
const CONTROLLER_IMAGE = "ghcr.io/defenseunicorns/pepr/controller:v1.1.4";

interface PackageJson {
  name: string;
  version: string;
  description: string;
  pepr: { uuid: string };
}

function say(msg: string): void {
  process.stderr.write(`[build] ${msg}\n`);
}

/** Runs `pepr build`; a module over Pepr's 1 MiB Secret limit is fine for us once it is bundled. */
function peprBuild(args: string[], bundle: string): void {
  const started = Date.now();
  say(`npx pepr build ${args.join(" ")}`);
  try {
    run("npx", ["pepr", "build", ...args], { cwd: root });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= started;
    if (!(fresh && message.includes("over the 1MB limit"))) throw err;
    say(
      "pepr build bundled the module but refused to write its manifests (module > 1 MiB): writing ours",
    );
  }
  say(`pepr build took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function writeDir(dir: string, files: Map<string, string | Buffer>, keep: string[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    if (!files.has(f) && !keep.includes(f)) rmSync(join(dir, f), { recursive: true });
  }
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
}

/** Pepr's HTTPS port needs a serving pair; kept across builds so the Secret does not churn. */
function ensureTls(dir: string): void {
  if (existsSync(join(dir, "tls.crt")) && existsSync(join(dir, "tls.key"))) return;
  run("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "tls.key"), "-out",
    join(dir, "tls.crt"), "-days", "3650", "-subj", "/CN=highlander.highlander-system.svc",
  ]); // prettier-ignore
}

function writeComponent(mod: PackedModule): void {
  const dir = join(root, "manifests/module");
  const files = new Map<string, string>([
    [".gitignore", MODULE_GITIGNORE],
    ["kustomization.yaml", componentKustomization(mod)],
    ["module-secrets.yaml", toYamlStream(moduleSecrets(mod, "highlander-system"))],
  ]);
  writeDir(dir, files, ["tls.crt", "tls.key"]);
  ensureTls(dir);
  say(`wrote manifests/module/ (${mod.parts.length} module Secret(s))`);
}

function writeChart(pkg: PackageJson, mod: PackedModule): string {
  const out = join(root, "dist", `${pkg.pepr.uuid}-chart`);
  rmSync(out, { recursive: true, force: true });
  cpSync(join(root, "charts/highlander"), out, { recursive: true });
  const valuesFile = join(out, "values.yaml");
  const values = parseDocument(readFileSync(valuesFile, "utf8"));
  values.setIn(["module", "hash"], mod.hash);
  values.setIn(["module", "parts"], mod.parts.length);
  writeFileSync(valuesFile, values.toString({ lineWidth: 0 }));
  // The same Pepr HTTPS pair as the kustomize component, so every render of the chart is identical.
  for (const f of ["tls.crt", "tls.key"])
    cpSync(join(root, "manifests/module", f), join(out, "files", f));
  const chartFile = join(out, "Chart.yaml");
  const chartMeta = parseDocument(readFileSync(chartFile, "utf8"));
  chartMeta.set("version", pkg.version);
  chartMeta.set("appVersion", pkg.version);
  writeFileSync(chartFile, chartMeta.toString({ lineWidth: 0 }));
  writeFileSync(join(root, "dist/highlander-module.yaml"), toYamlStream(moduleSecrets(mod)));
  return out;
}

/**
 * The chart as `helm package` lays it out (a gzipped tar of highlander/…), made with tar so the build
 * needs no helm; fixed order, owner and times, so one build's .tgz is byte-for-byte reproducible.
 */
function packChart(pkg: PackageJson, chartDir: string): string {
  const staging = join(root, "dist", ".chart-package");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  cpSync(chartDir, join(staging, "highlander"), { recursive: true });
  const file = join(root, "dist", `highlander-${pkg.version}.tgz`);
  run("tar", [
    "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner",
    "--use-compress-program=gzip -n", "-cf", file, "-C", staging, "highlander",
  ]); // prettier-ignore
  rmSync(staging, { recursive: true, force: true });
  return file;
}

function main(): void {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
  const uuid = pkg.pepr.uuid;
  const bundle = join(root, "dist", `pepr-${uuid}.js`);
  const args = process.argv.slice(2);
  if (args.includes("--reuse-bundle") && existsSync(bundle)) say(`reusing ${bundle}`);
  else
    peprBuild(
      args.filter(a => a !== "--reuse-bundle"),
      bundle,
    );

  syncDeployCopies(root);
  const mod = packModule(readFileSync(bundle));
  say(
    `module ${mod.hash.slice(0, 12)}…: ${mod.parts.reduce((n, p) => n + p.length, 0)} bytes gzipped`,
  );
  writeComponent(mod);

  const manifestFile = `pepr-module-${uuid}.yaml`;
  writeFileSync(join(root, "dist", manifestFile), kubectlKustomize(join(root, "manifests")));
  say(`wrote dist/${manifestFile} (kubectl apply --server-side -f dist/${manifestFile})`);

  const chart = writeChart(pkg, mod);
  say(`wrote ${chart.slice(root.length + 1)} and dist/highlander-module.yaml`);
  const tgz = packChart(pkg, chart);
  say(
    `wrote ${tgz.slice(root.length + 1)} (helm install highlander ${tgz.slice(root.length + 1)})`,
  );

  writeFileSync(
    join(root, "dist/zarf.yaml"),
    zarfYaml({
      name: `pepr-${uuid}`,
      version: pkg.version,
      description: pkg.description,
      manifestFile,
      images: [CONTROLLER_IMAGE],
    }),
  );
}

async function buildAll(): Promise<void> {
  main();
  const cli = await bundleCli(root);
  say(`wrote ${cli.slice(root.length + 1)}`);
}

buildAll().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
