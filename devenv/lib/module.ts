// The operator as it ships: the bundled Pepr module (dist/pepr-highlander.js), rebuilt when any source
// is newer, and what it needs in a cluster (Pepr's namespace and store CRD, our CRDs). Shared by
// `npm start` and the e2e tests, so both run exactly what is deployed.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { kubectl } from "../controlplane/cluster";
import { run } from "./processes";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const MODULE_FILE = join(ROOT, "dist", "pepr-highlander.js");

/** Newest modification time among the files the bundle is built from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (
      [
        "node_modules",
        "dist",
        ".cluster",
        ".git",
        "e2e",
        "devenv",
        "docs",
        "bench",
        "cli",
        "scripts",
        "chaos",
      ].includes(entry.name)
    )
      continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (
      (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) ||
      entry.name === "package.json"
    ) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** Is the bundle there and newer than every file it is built from? */
export function moduleIsFresh(): boolean {
  return existsSync(MODULE_FILE) && statSync(MODULE_FILE).mtimeMs >= newestSource(ROOT);
}

/** Throws unless `pepr build` (run since `started`, printing `out`) wrote the bundle. */
function checkBuilt(ok: boolean, out: string, started: number): void {
  // Pepr bundles first and then refuses to write its manifests for a module over its 1 MiB Secret
  // limit (exit code 1); the bundle is all the e2e tests run (scripts/build.ts does the same).
  if (!ok && !out.includes("over the 1MB limit"))
    throw new Error(`pepr build failed:\n${out.slice(-3000)}`);
  // pepr build reports some failures only in its output, with exit code 0.
  if (
    /Error building module/.test(out) ||
    !existsSync(MODULE_FILE) ||
    statSync(MODULE_FILE).mtimeMs < started - 1000
  ) {
    throw new Error(`pepr build did not produce ${MODULE_FILE}:\n${out.slice(-3000)}`);
  }
}

/** Runs `pepr build` when the bundle is missing or older than its sources; returns the bundle path. */
export function ensureModuleBuilt(): string {
  if (moduleIsFresh()) return MODULE_FILE;
  process.stderr.write("[highlander] building the Pepr module (npx pepr build) ...\n");
  const started = Date.now();
  let out: string;
  let ok = true;
  try {
    out = run("npx", ["pepr", "build"], { cwd: ROOT });
  } catch (err) {
    out = err instanceof Error ? err.message : String(err);
    ok = false;
  }
  checkBuilt(ok, out, started);
  process.stderr.write(
    `[highlander] built the module in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return MODULE_FILE;
}

/**
 * Like ensureModuleBuilt, without blocking the event loop (so progress output keeps moving):
 * for `npm start`. Resolves whether it had to build.
 */
export async function ensureModuleBuiltAsync(): Promise<boolean> {
  if (moduleIsFresh()) return false;
  const started = Date.now();
  const { ok, out } = await new Promise<{ ok: boolean; out: string }>((resolve, reject) => {
    const child = spawn("npx", ["pepr", "build"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    const add = (chunk: Buffer) => (text += chunk.toString());
    child.stdout.on("data", add);
    child.stderr.on("data", add);
    child.on("error", reject);
    child.on("close", code => resolve({ ok: code === 0, out: text }));
  });
  checkBuilt(ok, out, started);
  return true;
}

/**
 * What the watcher needs in any cluster: Pepr's namespace and store CRD, our CRDs (Established) and
 * the fence policy.
 */
export function prepareCluster(kubeconfig: string): void {
  kubectl(kubeconfig, ["apply", "-f", join(ROOT, "manifests", "pepr")]);
  kubectl(kubeconfig, ["apply", "-f", join(ROOT, "crds")]);
  kubectl(kubeconfig, [
    "wait",
    "--for=condition=Established",
    "--timeout=60s",
    "-f",
    join(ROOT, "crds"),
  ]);
  // The fence the API server enforces (its parameter kind, HighlanderFence, is one of our CRDs).
  // Server-side, so later server-side applies of the same objects (the chart, kustomize) share the
  // fields instead of conflicting with a client-side apply's last-applied annotation.
  kubectl(kubeconfig, [
    "apply", "--server-side", "--force-conflicts", "--field-manager=highlander-setup",
    "-f", join(ROOT, "manifests", "fence", "fence-policy.yaml"),
  ]); // prettier-ignore
}

/**
 * `npm start` as a limited identity (e.g. `KUBECONFIG=<the namespaced ServiceAccount>`), which may
 * not write CRDs: skip the install when the CRDs are already there (API discovery is open to every
 * authenticated user), refuse with what to do when they are not. Returns what it did, for the log.
 */
export function prepareClusterIfAllowed(kubeconfig: string): string {
  if (allowed(kubeconfig, ["patch", "customresourcedefinitions.apiextensions.k8s.io"])) {
    prepareCluster(kubeconfig);
    return "applied the CRDs, Pepr's store CRD and namespace, and the fence policy";
  }
  const served = kubectl(kubeconfig, [
    "api-resources", "--api-group=highlander.plexobject.io", "-o", "name",
  ]); // prettier-ignore
  if (!served.includes("workloadprocesses")) {
    throw new Error(
      "this identity may not install CRDs and Highlander's CRDs are not installed: have an administrator run " +
        "`kubectl apply --server-side -k manifests/crds` and `kubectl apply --server-side -k manifests/fence` first",
    );
  }
  return "skipped installing the CRDs: this identity may not write CRDs, and they are already installed";
}

function allowed(kubeconfig: string, args: string[]): boolean {
  try {
    return kubectl(kubeconfig, ["auth", "can-i", ...args]).trim() === "yes";
  } catch {
    return false; // `kubectl auth can-i` exits 1 for "no"
  }
}

/** A throwaway self-signed pair for Pepr's HTTPS port (it refuses to start without one). */
export function peprTls(dir: string): { key: string; cert: string } {
  const key = join(dir, "tls.key");
  const cert = join(dir, "tls.crt");
  if (!existsSync(cert)) {
    mkdirSync(dir, { recursive: true });
    run("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
      "-days", "30", "-subj", "/CN=highlander-local",
    ]); // prettier-ignore
  }
  return { key, cert };
}
