// A plain watch of one resource type in one namespace, straight from kube-apiserver with the admin
// certificate (not through any replica's proxy): what the auditor sees of the children, with the time
// each change reached us. Reconnects from the last resourceVersion (relists on 410 Gone), so an
// API server restart costs at most the changes made while it was down, which a relist then shows.
import type { ClientRequest } from "node:http";
import { request } from "node:https";
import { readFileSync } from "node:fs";
import type { Pki } from "../devenv/controlplane/pki";

interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    creationTimestamp?: string;
  };
  status?: { phase?: string; leader?: { id?: string; epoch?: number } } & Record<string, unknown>;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** The resource path watched, e.g. /api/v1/namespaces/x/pods. */
  resource: string;
  object: KubeObject;
  at: number;
}

export interface Watch {
  stop(): void;
}

export function watchResource(
  server: string,
  pki: Pki,
  path: string,
  onEvent: (event: WatchEvent) => void,
): Watch {
  const tls = {
    ca: readFileSync(pki.caCert),
    cert: readFileSync(pki.adminCert),
    key: readFileSync(pki.adminKey),
  };
  let stopped = false;
  let resourceVersion = "";
  let current: ClientRequest | undefined;
  let reconnects = 0;

  const connect = () => {
    if (stopped) return;
    const query = `watch=true&allowWatchBookmarks=false${resourceVersion ? `&resourceVersion=${resourceVersion}` : ""}`;
    const req = request(`${server}${path}?${query}`, tls, res => {
      if (res.statusCode !== 200) {
        res.resume();
        resourceVersion = "";
        return retry();
      }
      reconnects = 0;
      let buffer = "";
      res.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) handle(line);
        }
      });
      res.on("end", retry);
      res.on("error", retry);
    });
    req.on("error", retry);
    req.end();
    current = req;
  };

  const handle = (line: string) => {
    const event = JSON.parse(line) as { type: string; object: KubeObject & { code?: number } };
    if (event.type === "ERROR") {
      // 410 Gone: our resourceVersion is too old; start over with a fresh list.
      resourceVersion = "";
      current?.destroy();
      return;
    }
    if (event.type !== "ADDED" && event.type !== "MODIFIED" && event.type !== "DELETED") return;
    resourceVersion = event.object.metadata.resourceVersion;
    onEvent({ type: event.type, resource: path, object: event.object, at: Date.now() });
  };

  let retryTimer: NodeJS.Timeout | undefined;
  const retry = () => {
    if (stopped || retryTimer) return;
    // Bounded back-off: the API server is down for seconds at most in this suite.
    const delay = Math.min(2000, 100 * 2 ** Math.min(reconnects++, 5));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect();
    }, delay);
  };

  connect();
  return {
    stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      current?.destroy();
    },
  };
}
