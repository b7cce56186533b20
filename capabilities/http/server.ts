// The operator's HTTP port: dashboard, JSON API, probes and /metrics, on node:http alone.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { register, type Registry } from "prom-client";
import type { Logger } from "../logging/logger";
import { renderMetrics } from "../metrics";
import {
  authorizeMutation,
  authorizeRead,
  hostAllowed,
  type AuthOptions,
  type AuthResult,
  type ReadAuthMode,
} from "./auth";
import { DASHBOARD_CSP, DASHBOARD_HTML } from "./dashboard";
import { failure, success, type Envelope } from "./envelope";
import { evaluateReadiness, readinessText, wantsReadinessText } from "./readiness";
import { matchRoute, type RouteName } from "./routes";
import {
  isManagerName,
  managerStatus,
  PREDECESSOR_MANAGERS,
  PREDECESSOR_SHAPE,
  predecessorPodFields,
  predecessorStatusKeys,
  predecessorDebugKeys,
  predecessorWorkloads,
  withPodDetails,
} from "./predecessor-views";
import type { StatusSnapshot, StatusSource } from "./source";
import {
  dbinfoView,
  findWorkload,
  leaderView,
  podsView,
  statusView,
  workloadsNamed,
} from "./views";

type HttpLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

export interface HttpServerOptions {
  port: number;
  /** Default: all interfaces (a pod must answer probes on its IP). */
  host?: string;
  source: StatusSource;
  /** Default: prom-client's default registry, where all our metrics live. */
  metricsRegistry?: Registry;
  logger: HttpLogger;
  /** From config.readyOnlyWhenLeader. */
  readyOnlyWhenLeader?: boolean;
  /** Extra facts for /debug/status, e.g. describeConfig(config); must already be masked. */
  debugInfo?: () => Record<string, unknown>;
  /** Credentials for mutating routes; without any, step-down answers 401 to everyone. */
  auth?: AuthOptions;
  /** Who may call the read routes (everything but the probes and step-down); default open. */
  readAuth?: ReadAuthMode;
  /** Host names answered besides IP literals, localhost and *.svc (DNS-rebinding defence). */
  allowedHosts?: readonly string[];
  /** This build's version, for the predecessor's `version` key in /api/status. */
  version?: string;
  /** For tests. */
  now?: () => Date;
}

export interface HttpServer {
  /** Starts listening; resolves with the port actually bound (useful with port 0). */
  listen(): Promise<number>;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const SECURITY_HEADERS = { "x-content-type-options": "nosniff", "cache-control": "no-store" };

/** Probes answer the kubelet, which sends no credentials; step-down checks its own, stricter ones. */
const UNGUARDED: ReadonlySet<RouteName> = new Set(["healthz", "readyz", "stepDown"]);

function json(status: number, envelope: Envelope, headers: Record<string, string> = {}): Reply {
  return {
    status,
    body: `${JSON.stringify(envelope)}\n`,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  };
}

function text(status: number, body: string, contentType = "text/plain; charset=utf-8"): Reply {
  return { status, body, headers: { "content-type": contentType } };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const registry = options.metricsRegistry ?? register;
  const readyOnlyWhenLeader = options.readyOnlyWhenLeader ?? false;
  const now = options.now ?? (() => new Date());
  const log = options.logger;
  const startedAt = now();
  let boundPort = options.port;

  async function handle(req: IncomingMessage): Promise<Reply> {
    const method = req.method ?? "GET";
    if (!hostAllowed(req.headers.host, options.allowedHosts ?? [])) {
      return json(421, failure(`host not allowed: ${req.headers.host ?? "(none)"}`));
    }
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const match = matchRoute(method, pathname);
    if (match.kind === "not-found") return json(404, failure(`not found: ${pathname}`));
    if (match.kind === "method-not-allowed") {
      return json(405, failure(`method ${method} not allowed on ${pathname}`), {
        allow: match.allow.join(", "),
      });
    }
    if (!UNGUARDED.has(match.name)) {
      const auth = await authorizeRead(
        req.headers.authorization,
        options.readAuth ?? "open",
        options.auth ?? {},
      );
      if (!auth.ok) return refused(`${pathname} refused`, auth);
    }
    return route(match.name, match.params, req);
  }

  async function route(
    name: RouteName,
    params: Record<string, string>,
    req: IncomingMessage,
  ): Promise<Reply> {
    switch (name) {
      case "dashboard":
        return {
          status: 200,
          body: DASHBOARD_HTML,
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": DASHBOARD_CSP,
            "referrer-policy": "no-referrer",
          },
        };
      case "healthz":
        // Liveness: the event loop answers. Nothing else, or a storage outage would restart us.
        return text(200, "ok");
      case "metrics":
        return text(200, await renderMetrics(registry), registry.contentType);
      case "readyz":
        return readyz(req);
      default:
        break;
    }

    const snapshot = await options.source.snapshot();
    switch (name) {
      case "status":
        return json(200, success(statusWithPredecessorKeys(snapshot)));
      case "workloads":
        // ?shape=k8-highlander: the predecessor's map of its four managers (docs/compatibility.md).
        if (predecessorShape(req))
          return json(200, success(predecessorWorkloads(snapshot.workloads)));
        return json(200, success(snapshot.workloads));
      case "workloadNames":
        // Its answer was its four manager names, the names its /api/workloads/{name} took.
        if (predecessorShape(req)) return json(200, success(Object.keys(PREDECESSOR_MANAGERS)));
        return json(200, success(snapshot.workloads.map(w => w.name)));
      case "workloadByName":
        return workloadByName(snapshot, params.name ?? "");
      case "workload": {
        const found = findWorkload(
          snapshot.workloads,
          params.namespace ?? "",
          params.kind ?? "",
          params.name ?? "",
        );
        if (found === undefined) {
          return json(
            404,
            failure(`workload not found: ${params.namespace}/${params.kind}/${params.name}`),
          );
        }
        return json(200, success(found));
      }
      case "leader":
        return json(200, success(leaderView(snapshot)));
      case "stepDown":
        return stepDown(snapshot, req);
      case "dbinfo":
        return json(200, success(dbinfoView(snapshot)));
      case "pods": {
        // Ours, plus the predecessor's PodInfo fields (node, age, createdAt, controllerId,
        // clusterName, labels, annotations), read live where the runtime can.
        const live = (await options.source.pods?.()) ?? [];
        const pods = withPodDetails(podsView(snapshot.workloads), live);
        return json(
          200,
          success(pods.map(p => ({ ...predecessorPodFields(p, snapshot, now()), ...p }))),
        );
      }
      case "debugStatus": {
        const status = statusWithPredecessorKeys(snapshot);
        const memory = process.memoryUsage();
        return json(
          200,
          success({
            // Its DebugInfo keys first; ours win where the names meet (startTime is the same).
            ...predecessorDebugKeys(status, {
              now: now(),
              startedAt,
              port: boundPort,
              storageAddress: String(dbinfoView(snapshot).address),
              activeResources: process.getActiveResourcesInfo().length,
              memory,
            }),
            status,
            startTime: startedAt.toISOString(),
            uptimeSeconds: Math.round((now().getTime() - startedAt.getTime()) / 1000),
            process: {
              pid: process.pid,
              node: process.version,
              memory,
              uptimeSeconds: Math.round(process.uptime()),
            },
            config: options.debugInfo?.() ?? null,
          }),
        );
      }
      default:
        return json(404, failure("not found"));
    }
  }

  async function readyz(req: IncomingMessage): Promise<Reply> {
    // The predecessor's probes answered plain text (docs/compatibility.md, /readyz).
    const asText = wantsReadinessText(req.headers.accept, predecessorShape(req));
    let snapshot: StatusSnapshot;
    try {
      snapshot = await options.source.snapshot();
    } catch (error) {
      const reason = `status unavailable: ${message(error)}`;
      if (asText) return text(503, readinessText({ ready: false, reasons: [reason] }));
      return json(503, failure(`not ready: ${reason}`, { ready: false, reasons: [reason] }));
    }
    const result = evaluateReadiness(snapshot.readiness, readyOnlyWhenLeader);
    if (asText) return text(result.ready ? 200 : 503, readinessText(result));
    if (result.ready) return json(200, success(result));
    return json(503, failure(`not ready: ${result.reasons.join("; ")}`, result));
  }

  function statusWithPredecessorKeys(snapshot: StatusSnapshot): Record<string, unknown> {
    const view = statusView(snapshot, readyOnlyWhenLeader, now());
    const facts = {
      now: now(),
      startedAt,
      ready: view.ready.ready,
      version: options.version ?? "",
    };
    return { ...predecessorStatusKeys(snapshot, facts), ...view };
  }

  function workloadByName(snapshot: StatusSnapshot, name: string): Reply {
    const found = workloadsNamed(snapshot.workloads, name);
    if (found.length === 1) return json(200, success(found[0]));
    // The predecessor's /api/workloads/{manager} (processes, cronjobs, service, persistent), when no
    // workload has that name.
    if (found.length === 0 && isManagerName(name))
      return json(200, success(managerStatus(snapshot.workloads, name)));
    if (found.length === 0) return json(404, failure(`workload not found: ${name}`));
    const where = found.map(w => `${w.namespace}/${w.kind}/${w.name}`);
    return json(
      409,
      failure(
        `${found.length} workloads are named ${name}; use /api/workloads/{namespace}/{kind}/{name}`,
        where,
      ),
    );
  }

  function refused(what: string, auth: Extract<AuthResult, { ok: false }>): Reply {
    log.warn({ status: auth.status, reason: auth.reason }, what);
    const headers: Record<string, string> =
      auth.status === 401 ? { "www-authenticate": 'Bearer realm="highlander"' } : {};
    return json(auth.status, failure(`${what}: ${auth.reason}`), headers);
  }

  async function stepDown(snapshot: StatusSnapshot, req: IncomingMessage): Promise<Reply> {
    // A cross-site page must not be able to make an operator's browser force a failover: browsers
    // send Origin (and Sec-Fetch-Site) on cross-origin POSTs; curl and same-origin pages pass.
    const origin = req.headers.origin;
    const originHost = origin === undefined ? req.headers.host : safeHost(origin);
    const crossOrigin =
      originHost !== req.headers.host || req.headers["sec-fetch-site"] === "cross-site";
    if (crossOrigin)
      return json(403, failure("cross-origin requests may not step down the leader"));
    const auth = await authorizeMutation(req.headers.authorization, options.auth ?? {});
    if (!auth.ok) return refused("step-down refused", auth);
    if (options.source.stepDown === undefined) {
      return json(501, failure("step-down is not supported by this instance"));
    }
    if (snapshot.instance.role !== "leader") {
      return json(
        409,
        failure(`not the leader: this instance is ${snapshot.instance.role}`, {
          id: snapshot.instance.id,
          leaderID: snapshot.leader?.id ?? null,
        }),
      );
    }
    log.warn(
      { id: snapshot.instance.id, epoch: snapshot.instance.epoch, user: auth.user },
      "stepping down on HTTP request",
    );
    await options.source.stepDown();
    return json(
      200,
      success({ steppedDown: true, id: snapshot.instance.id, epoch: snapshot.instance.epoch }),
    );
  }

  function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    res.writeHead(reply.status, { ...SECURITY_HEADERS, ...reply.headers });
    // Node sends no body for HEAD by itself; end() keeps the connection reusable either way.
    res.end(req.method === "HEAD" ? undefined : reply.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req)
      .then(reply => {
        log.debug({ method: req.method, url: req.url, status: reply.status }, "http request");
        send(req, res, reply);
      })
      .catch((error: unknown) => {
        log.error({ method: req.method, url: req.url, err: message(error) }, "http request failed");
        if (!res.headersSent)
          send(req, res, json(500, failure(`internal error: ${message(error)}`)));
        else res.destroy();
      });
  });

  return {
    listen: () =>
      new Promise<number>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.once("error", onError);
        server.listen(options.port, options.host, () => {
          server.off("error", onError);
          const port = (server.address() as AddressInfo).port;
          boundPort = port;
          log.info({ port, host: options.host ?? "*" }, "http server listening");
          resolve(port);
        });
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(error => (error ? reject(error) : resolve()));
        // Keep-alive connections (browsers, fetch) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** `?shape=k8-highlander`: the predecessor's shapes where ours differ (docs/compatibility.md). */
function predecessorShape(req: IncomingMessage): boolean {
  return (
    new URL(req.url ?? "/", "http://localhost").searchParams.get("shape") === PREDECESSOR_SHAPE
  );
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
