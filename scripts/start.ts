// `npm start`: runs the operator — the same bundled Pepr module that is deployed, in watch mode — as a
// local process. It talks to $KUBECONFIG, else ~/.kube/config when that cluster answers, else to the
// local control plane, which it brings up (or reuses) in .cluster/.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { findRunningCluster, kubectl, startCluster } from "../e2e/controlplane/cluster";
import { run } from "../e2e/lib/processes";

const root = resolve(import.meta.dirname, "..");
const localClusterDir = join(root, ".cluster");
const moduleFile = join(root, "dist", "pepr-highlander.js");

function say(msg: string): void {
  process.stderr.write(`[highlander] ${msg}\n`);
}

function reachable(kubeconfig: string): boolean {
  try {
    run("kubectl", ["--kubeconfig", kubeconfig, "get", "--raw", "/readyz", "--request-timeout=5s"]);
    return true;
  } catch {
    return false;
  }
}

async function resolveKubeconfig(): Promise<string> {
  const fromEnv = process.env.KUBECONFIG;
  if (fromEnv) {
    say(`using KUBECONFIG=${fromEnv}`);
    return fromEnv;
  }
  const home = join(homedir(), ".kube", "config");
  if (existsSync(home) && reachable(home)) {
    say(`using ${home}`);
    return home;
  }
  const running = await findRunningCluster(localClusterDir);
  if (running) {
    say(`using the local control plane already running at ${running.server}`);
    return running.kubeconfig;
  }
  say("no KUBECONFIG and no reachable cluster: bringing up the local control plane in .cluster/");
  const cluster = await startCluster({ dir: localClusterDir, name: "local cluster" });
  say(`local control plane up at ${cluster.server}; stop it with npm run cluster:down`);
  return cluster.kubeconfig;
}

/** Newest modification time among the files the bundle is built from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "dist", ".cluster", ".git", "e2e", "docs"].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts") || entry.name === "package.json") {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

function ensureModuleBuilt(): void {
  if (existsSync(moduleFile) && statSync(moduleFile).mtimeMs >= newestSource(root)) return;
  say("building the Pepr module (npx pepr build) ...");
  const started = Date.now();
  run("npx", ["pepr", "build"], { cwd: root });
  say(`built ${moduleFile} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** What the watcher needs in any cluster: Pepr's namespace and store CRD, and our CRDs. */
function prepareCluster(kubeconfig: string): void {
  kubectl(kubeconfig, ["apply", "-f", join(root, "manifests", "pepr")]);
  const crdDir = join(root, "crds");
  if (existsSync(crdDir) && readdirSync(crdDir).some(f => f.endsWith(".yaml"))) {
    kubectl(kubeconfig, ["apply", "-f", crdDir]);
  }
}

/** Pepr's watcher serves HTTPS on its own port; locally a throwaway self-signed pair does. */
function ensureTls(): { key: string; cert: string } {
  const dir = join(localClusterDir, "pepr-tls");
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

async function main(): Promise<void> {
  const kubeconfig = await resolveKubeconfig();
  ensureModuleBuilt();
  prepareCluster(kubeconfig);
  const tls = ensureTls();
  const env = {
    ...process.env,
    KUBECONFIG: kubeconfig,
    PEPR_WATCH_MODE: "true",
    SSL_KEY_PATH: tls.key,
    SSL_CERT_PATH: tls.cert,
  };
  say(`starting the operator: node ${moduleFile}`);
  const child = spawn(process.execPath, [moduleFile], { env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    process.exit(code ?? (signal ? 128 : 1));
  });
}

main().catch(err => {
  say(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
