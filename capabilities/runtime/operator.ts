// The operator runtime beside Pepr's watcher: it owns the process-wide pieces Pepr lacks
// (leader election, our work queue, the HTTP port) and shuts them down in order on SIGTERM.
import { createServer, type Server } from "node:http";

export function isBuildMode(): boolean {
  return process.env.PEPR_MODE === "build";
}

function port(): number {
  const raw = process.env.HIGHLANDER_PORT;
  if (!raw) return 8080;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`HIGHLANDER_PORT must be a TCP port number (1-65535), got "${raw}"`);
  }
  return value;
}

let server: Server | undefined;

/** Starts the operator's own HTTP port; later issues add election, queue and reconcilers here. */
export async function startOperator(): Promise<void> {
  const listenPort = port();
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
    kubeconfig: process.env.KUBECONFIG ?? "(in-cluster or ~/.kube/config)",
  });
}

function log(level: string, msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(
    `${JSON.stringify({ level, time: Date.now(), name: "highlander", msg, ...extra })}\n`,
  );
}
