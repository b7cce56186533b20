// The operator runtime beside Pepr's watcher: it owns the process-wide pieces Pepr lacks
// (leader election, our work queue, the HTTP port) and shuts them down in order on SIGTERM.
import { createServer, type Server } from "node:http";
import { KubeConfig } from "@kubernetes/client-node";

export function isBuildMode(): boolean {
  return process.env.PEPR_MODE === "build";
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return value;
}

/** Pepr's own HTTPS port (its health and metrics); 3000 as Pepr's manifests expect. */
export function peprPort(): number {
  return portFromEnv("HIGHLANDER_PEPR_PORT", 3000);
}

/** The API server this process talks to, as kubernetes-fluent-client resolves it. */
function apiServer(): string {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc.getCurrentCluster()?.server ?? "(unknown)";
}

let server: Server | undefined;

/** Starts the operator's own HTTP port; later issues add election, queue and reconcilers here. */
export async function startOperator(): Promise<void> {
  const listenPort = portFromEnv("HIGHLANDER_PORT", 8080);
  server = createServer((req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok\n");
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  });
  await new Promise<void>(resolve => server?.listen(listenPort, resolve));
  log("info", `serving /healthz on port ${listenPort}`, {
    apiServer: apiServer(),
    kubeconfig: process.env.KUBECONFIG ?? "(in-cluster or ~/.kube/config)",
  });
}

function log(level: string, msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(
    `${JSON.stringify({ level, time: Date.now(), name: "highlander", msg, ...extra })}\n`,
  );
}
