// `npm start`: runs the operator — the same bundled Pepr module that is deployed, in watch mode — as a
// local process. It talks to $KUBECONFIG, else ~/.kube/config when that cluster answers, else to the
// local control plane, which it brings up (or reuses) in .cluster/. Each long step (the control-plane
// build, `pepr build`) shows its progress and time; both are cached, so a second start takes seconds.
// Once the operator answers /healthz it prints where things are: the kubeconfig (and the `export`
// line), the dashboard, and the next command to try.
//
// The port: the operator's default is the predecessor's 8080, which is also where kubectl goes when no
// kubeconfig is set (localhost:8080), so a shell without KUBECONFIG would send `kubectl apply` to
// Highlander. `npm start` therefore uses START_PORT unless a port is configured (HIGHLANDER_PORT, or
// `port` in the config file); in a pod the default stays 8080.
//
// Flags after `--` go to the operator (`npm start -- --observer`); its HTTP port listens on 127.0.0.1
// unless --bind-address or HIGHLANDER_BIND_ADDRESS says otherwise.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative } from "node:path";
import { resolveConfig } from "../capabilities/config/load";
import { findRunningCluster, startCluster } from "../devenv/controlplane/cluster";
import {
  ensureModuleBuiltAsync,
  moduleIsFresh,
  MODULE_FILE,
  peprTls,
  prepareClusterIfAllowed,
  ROOT,
} from "../devenv/lib/module";
import { run, sleep } from "../devenv/lib/processes";
import { withProgress } from "../devenv/lib/progress";
import { startOptions } from "./start-options";

/** `npm start`'s HTTP port when none is configured: not kubectl's fallback 8080. */
export const START_PORT = 8090;
const EXAMPLE = "manifests/examples/workloadcronjob.yaml";
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

interface Target {
  kubeconfig: string;
  /** The kubeconfig came from the environment: the user's shell already points at it. */
  exported: boolean;
}

async function resolveKubeconfig(): Promise<Target> {
  const fromEnv = process.env.KUBECONFIG;
  if (fromEnv) {
    say(`using KUBECONFIG=${fromEnv}`);
    return { kubeconfig: fromEnv, exported: true };
  }
  const home = join(homedir(), ".kube", "config");
  if (existsSync(home) && reachable(home)) {
    say(`using ${home}`);
    // kubectl reads ~/.kube/config by itself.
    return { kubeconfig: home, exported: true };
  }
  const running = await findRunningCluster(localClusterDir);
  if (running) {
    say(`using the local control plane already running at ${running.server}`);
    return { kubeconfig: running.kubeconfig, exported: false };
  }
  say("no KUBECONFIG and no reachable cluster: bringing up the local control plane in .cluster/");
  // Builds the binaries first when they are not cached (with progress lines per Go step).
  const cluster = await startCluster({ dir: localClusterDir, name: "local cluster" });
  say(`local control plane up at ${cluster.server}; stop it with npm run cluster:down`);
  return { kubeconfig: cluster.kubeconfig, exported: false };
}

/** The port the operator will listen on with `env`; sets START_PORT when nothing chose one. */
export function choosePort(
  env: NodeJS.ProcessEnv,
  argv: readonly string[] = [],
): number | undefined {
  const resolved = resolveConfig({ env, argv: [...argv] });
  if (resolved.origins.port === "default") {
    env.HIGHLANDER_PORT = String(START_PORT);
    return START_PORT;
  }
  // A configuration with problems: the operator itself will say what they are.
  return resolved.config?.port;
}

/** The closing block: what to run next, in a shell of the user's. */
export function readyBlock(opts: {
  kubeconfig: string;
  exported: boolean;
  port: number | undefined;
  root: string;
}): string {
  const kubeconfig = opts.kubeconfig;
  const url = opts.port ? `http://127.0.0.1:${opts.port}` : undefined;
  const lines = [
    "",
    "Highlander is running. In another shell:",
    "",
    ...(opts.exported
      ? [`  kubeconfig: ${kubeconfig}`]
      : [
          `  kubeconfig: ${kubeconfig}`,
          `  export KUBECONFIG=${kubeconfig}     # kubectl and highlander need this first`,
        ]),
    ...(url
      ? [`  dashboard:  ${url}/`, `  status:     curl ${url}/api/status`]
      : ["  dashboard:  port 0 was configured: the log names the port it got"]),
    `  next:       kubectl apply -f ${relative(process.cwd(), join(opts.root, EXAMPLE)) || EXAMPLE}`,
    "              kubectl get workloadcronjobs",
    "              npx highlander leader",
    "",
    "Stop with Ctrl-C (the operator releases its lock first).",
    "",
  ];
  return lines.join("\n");
}

/** Waits until the operator answers /healthz, or it exits, or `deadlineMs` passes. */
async function waitHealthy(
  port: number,
  exited: () => boolean,
  deadlineMs: number,
): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until && !exited()) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (res?.ok) return true;
    await sleep(250);
  }
  return false;
}

async function main(): Promise<void> {
  const started = Date.now();
  const target = await resolveKubeconfig();
  if (moduleIsFresh()) say(`pepr build: skipped, ${relative(ROOT, MODULE_FILE)} is up to date`);
  else {
    say("building the Pepr module: 1-2 min on an idle machine, skipped while it is up to date");
    await withProgress("pepr build", ensureModuleBuiltAsync);
  }
  say(prepareClusterIfAllowed(target.kubeconfig));
  const tls = peprTls(join(localClusterDir, "pepr-tls"));
  const options = startOptions(process.argv.slice(2), process.env);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    KUBECONFIG: target.kubeconfig,
    PEPR_WATCH_MODE: "true",
    SSL_KEY_PATH: tls.key,
    SSL_CERT_PATH: tls.cert,
  };
  const port = choosePort(env, options.args);
  const args = [MODULE_FILE, ...options.args];
  say(
    `starting the operator: node ${[relative(ROOT, MODULE_FILE), ...options.args].join(" ")} (HTTP port ${port ?? "?"})`,
  );
  const child = spawn(process.execPath, args, { env, stdio: "inherit" });
  let exited = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    exited = true;
    process.exit(code ?? (signal ? 128 : 1));
  });
  if (port && (await waitHealthy(port, () => exited, 120_000))) {
    say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.stderr.write(
      `${readyBlock({ kubeconfig: target.kubeconfig, exported: target.exported, port, root: ROOT })}\n`,
    );
  } else if (!exited && !port) {
    process.stderr.write(
      `${readyBlock({ kubeconfig: target.kubeconfig, exported: target.exported, port, root: ROOT })}\n`,
    );
  } else if (!exited) {
    say(`the operator has not answered http://127.0.0.1:${port}/healthz within 120 s; see its log`);
  }
}

if (process.argv[1] && /scripts[/\\]start\.ts$/.test(process.argv[1])) {
  main().catch(err => {
    say(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
