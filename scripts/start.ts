// `npm start`: runs the operator — the same bundled Pepr module that is deployed, in watch mode — as a
// local process. It talks to $KUBECONFIG, else ~/.kube/config when that cluster answers, else to the
// local control plane, which it brings up (or reuses) in .cluster/. Flags after `--` go to the operator
// (`npm start -- --observer`); its HTTP port listens on 127.0.0.1 unless --bind-address or
// HIGHLANDER_BIND_ADDRESS says otherwise.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { findRunningCluster, startCluster } from "../e2e/controlplane/cluster";
import { ensureModuleBuilt, peprTls, prepareCluster, ROOT } from "../e2e/lib/module";
import { run } from "../e2e/lib/processes";
import { startOptions } from "./start-options";

const localClusterDir = join(ROOT, ".cluster");

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

async function main(): Promise<void> {
  const kubeconfig = await resolveKubeconfig();
  const moduleFile = ensureModuleBuilt();
  prepareCluster(kubeconfig);
  const tls = peprTls(join(localClusterDir, "pepr-tls"));
  const options = startOptions(process.argv.slice(2), process.env);
  const env = {
    ...process.env,
    ...options.env,
    KUBECONFIG: kubeconfig,
    PEPR_WATCH_MODE: "true",
    SSL_KEY_PATH: tls.key,
    SSL_CERT_PATH: tls.cert,
  };
  say(`starting the operator: node ${[moduleFile, ...options.args].join(" ")}`);
  const child = spawn(process.execPath, [moduleFile, ...options.args], { env, stdio: "inherit" });
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
