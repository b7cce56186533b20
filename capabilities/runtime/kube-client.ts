// The operator's one edge for writing to Kubernetes. Pepr's fluent client always applies as field
// manager "pepr" and cannot apply a status subresource, so writes go through this small REST client:
// server-side apply with our field manager, status apply on /status, merge patches with
// resourceVersion preconditions, and errors as typed KubeApiError. Credentials come from
// @kubernetes/client-node's KubeConfig ($KUBECONFIG, ~/.kube/config or in-cluster), as Pepr's do.
import { KubeConfig } from "@kubernetes/client-node";
import { Agent, request, type RequestOptions } from "node:https";
import { createSecureContext, type SecureContext } from "node:tls";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { observeApiRequest } from "../metrics/client";
import { ApiClock } from "./api-clock";
import { WORKLOAD_KINDS } from "../workloads/kinds/registry";

export const FIELD_MANAGER = "highlander";

interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  /** Who set which fields; the watch cache drops them (object-cache.ts). */
  managedFields?: unknown[];
  // JSON carries strings; @kubernetes/client-node's types say Date. Both are accepted.
  deletionTimestamp?: string | Date;
  deletionGracePeriodSeconds?: number;
  creationTimestamp?: string | Date;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
  }>;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}

/** Plural resource names of the core kinds the operator touches (no discovery round-trips needed). */
const PLURALS: Record<string, string> = {
  ConfigMap: "configmaps",
  Deployment: "deployments",
  Event: "events",
  HighlanderFence: "highlanderfences",
  Job: "jobs",
  Lease: "leases",
  Namespace: "namespaces",
  PersistentVolumeClaim: "persistentvolumeclaims",
  Pod: "pods",
  Secret: "secrets",
  Service: "services",
  StatefulSet: "statefulsets",
  ValidatingAdmissionPolicyBinding: "validatingadmissionpolicybindings",
};

/** Core kinds from the table above, our workload kinds from their registry (looked up when used). */
function pluralOf(kind: string): string | undefined {
  return PLURALS[kind] ?? WORKLOAD_KINDS.find(k => k.names.kind === kind)?.names.plural;
}

const CLUSTER_SCOPED = new Set([
  "Namespace",
  "HighlanderFence",
  "ValidatingAdmissionPolicyBinding",
]);

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409;
}

/** The REST path of a resource, a collection, or a subresource. */
export function resourcePath(
  ref: ResourceRef,
  subresource?: string,
  query?: Record<string, string>,
): string {
  const plural = pluralOf(ref.kind);
  if (!plural) throw new Error(`kube-client: no plural known for kind ${ref.kind}`);
  const base = ref.apiVersion.includes("/") ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  const ns =
    ref.namespace && !CLUSTER_SCOPED.has(ref.kind)
      ? `/namespaces/${encodeURIComponent(ref.namespace)}`
      : "";
  const name = ref.name ? `/${encodeURIComponent(ref.name)}` : "";
  const sub = subresource ? `/${subresource}` : "";
  const qs =
    query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : "";
  return `${base}${ns}/${plural}${name}${sub}${qs}`;
}

function refOf(obj: KubeObject): ResourceRef {
  if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
    throw new Error("kube-client: object needs apiVersion, kind and metadata.name");
  }
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  };
}

/**
 * Idle connections close after 75 s: longer than a minute, so the connections of one minute's cron
 * burst are still open for the next (a new TLS connection costs the operator's one thread about 3 ms,
 * and 100 of them at a tick held the first Job back by half a second), and well before the API
 * server's own idle timeout (90 s), so a request is not sent on a connection the server is just
 * closing.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 75_000 };

/** The TLS material an agent's connections are made with; a change (rotated files) needs a new agent. */
function tlsIdentity(opts: RequestOptions): string {
  return [
    opts.ca,
    opts.cert,
    opts.key,
    opts.pfx,
    opts.passphrase,
    opts.servername,
    opts.rejectUnauthorized,
  ]
    .map(value => String(value ?? ""))
    .join("\0");
}

/** A response being read as it arrives; `close` ends it early. */
export interface ApiStream {
  body: AsyncIterable<string> & NodeJS.ReadableStream;
  close: () => void;
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => (text += chunk));
    res.on("end", () => resolve(text));
    res.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function apiError(method: string, url: URL, status: number, text: string): KubeApiError {
  const info = (parseJson(text) ?? {}) as { reason?: string; message?: string };
  return new KubeApiError(
    status,
    info.reason ?? "Unknown",
    `${method} ${url.pathname}: ${status} ${info.message ?? text}`,
  );
}

export class KubeClient {
  readonly #kc: KubeConfig;
  readonly #fieldManager: string;
  /**
   * One keep-alive agent per client. KubeConfig.applyToHTTPSOptions hands out a new agent per
   * request, which means a new TCP connection and a full TLS handshake (client certificate
   * included) for every call: for 1,000 new workloads that was most of the operator's CPU time
   * (60 s -> 14 s with this agent, docs/benchmarks.md). Credentials and headers are still read per
   * request.
   */
  #agent?: { identity: string; agent: Agent; secureContext: SecureContext };
  readonly #httpAgent = new HttpAgent(KEEP_ALIVE);
  /** The API server's time, learned from the Date header of every response. */
  readonly apiClock = new ApiClock();

  constructor(kc?: KubeConfig, fieldManager = FIELD_MANAGER) {
    if (kc) this.#kc = kc;
    else {
      this.#kc = new KubeConfig();
      this.#kc.loadFromDefault();
    }
    this.#fieldManager = fieldManager;
  }

  get server(): string {
    return this.#kc.getCurrentCluster()?.server ?? "";
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<T> {
    const payload =
      body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const { url, opts, send } = await this.#prepare(method, path, 30_000);
    if (payload !== undefined) {
      opts.headers = {
        ...opts.headers,
        "content-type": contentType,
        "content-length": Buffer.byteLength(payload),
      };
    }
    const started = performance.now();
    const done = (code: number | undefined) =>
      observeApiRequest(method, code, (performance.now() - started) / 1000);
    const sentAt = this.apiClock.localNow();
    return new Promise<T>((resolve, reject) => {
      const req = send(url, opts, res => {
        this.apiClock.observe(res.headers.date, sentAt, this.apiClock.localNow());
        readText(res).then(text => {
          const status = res.statusCode ?? 0;
          done(status);
          if (status >= 200 && status < 300) return resolve(parseJson(text) as T);
          reject(apiError(method, url, status, text));
        }, reject);
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
      req.on("error", err => {
        done(undefined);
        reject(err);
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /**
   * A GET whose response is read as it arrives (a watch). Resolves with the response once the API
   * server answers 2xx; otherwise rejects with its KubeApiError. The connection closes when the
   * server ends the response, when `close()` is called, or after `idleMs` without a byte.
   */
  async stream(path: string, idleMs: number): Promise<ApiStream> {
    const { url, opts, send } = await this.#prepare("GET", path, idleMs);
    const started = performance.now();
    const done = (code: number | undefined) =>
      observeApiRequest("WATCH", code, (performance.now() - started) / 1000);
    const sentAt = this.apiClock.localNow();
    return new Promise<ApiStream>((resolve, reject) => {
      const req = send(url, opts, res => {
        this.apiClock.observe(res.headers.date, sentAt, this.apiClock.localNow());
        const status = res.statusCode ?? 0;
        done(status);
        if (status >= 200 && status < 300) {
          res.setEncoding("utf8");
          return resolve({ body: res, close: () => req.destroy() });
        }
        readText(res).then(text => reject(apiError("GET", url, status, text)), reject);
      });
      // An idle watch ends like one the server closed: the caller watches again from where it was.
      req.on("timeout", () => req.destroy());
      req.on("error", err => {
        done(undefined);
        reject(err);
      });
      req.end();
    });
  }

  /** URL, credentials and agent of one request ($KUBECONFIG is read again for every request). */
  async #prepare(method: string, path: string, timeout: number) {
    const server = this.server;
    if (!server) throw new Error("kube-client: the kubeconfig names no API server");
    const url = new URL(path, server);
    // Node hands the options on to tls.connect, which takes a ready secureContext.
    const opts: RequestOptions & { secureContext?: SecureContext } = {
      method,
      headers: { accept: "application/json" },
      timeout,
    };
    await this.#kc.applyToHTTPSOptions(opts);
    if (url.protocol === "http:") opts.agent = this.#httpAgent;
    else {
      const tls = this.#httpsAgent(opts);
      opts.agent = tls.agent;
      opts.secureContext = tls.secureContext;
    }
    const send = url.protocol === "http:" ? httpRequest : request;
    return { url, opts, send };
  }

  /**
   * The agent and TLS context of the current credentials. One context for all connections: Node
   * otherwise parses the CA, certificate and key again for every new connection.
   */
  #httpsAgent(opts: RequestOptions): { agent: Agent; secureContext: SecureContext } {
    const identity = tlsIdentity(opts);
    if (this.#agent?.identity !== identity) {
      // Requests still running on the old agent finish (within their 30 s timeout) before it closes.
      const old = this.#agent?.agent;
      if (old) setTimeout(() => old.destroy(), 60_000).unref();
      const { ca, cert, key, pfx, passphrase } = opts;
      const secureContext = createSecureContext({ ca, cert, key, pfx, passphrase });
      this.#agent = { identity, agent: new Agent(KEEP_ALIVE), secureContext };
    }
    return this.#agent;
  }

  /** GET one object; undefined when it does not exist. */
  async get<T extends KubeObject>(ref: ResourceRef): Promise<T | undefined> {
    try {
      return await this.request<T>("GET", resourcePath(ref));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject>(ref: ResourceRef, labelSelector?: string): Promise<T[]> {
    const query: Record<string, string> = labelSelector ? { labelSelector } : {};
    const res = await this.request<{ items?: T[] }>(
      "GET",
      resourcePath({ ...ref, name: undefined }, undefined, query),
    );
    const kind = ref.kind;
    return (res.items ?? []).map(item => ({ apiVersion: ref.apiVersion, kind, ...item }));
  }

  /** Server-side apply as our field manager; force takes over fields we are meant to own. */
  async apply<T extends KubeObject>(obj: T, force = true): Promise<T> {
    const path = resourcePath(refOf(obj), undefined, {
      fieldManager: this.#fieldManager,
      force: String(force),
    });
    return this.request<T>("PATCH", path, obj, "application/apply-patch+yaml");
  }

  /** Server-side apply of the status subresource. */
  async applyStatus<T extends KubeObject>(ref: ResourceRef, status: unknown): Promise<T> {
    const body = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { name: ref.name, namespace: ref.namespace },
      status,
    };
    const path = resourcePath(ref, "status", { fieldManager: this.#fieldManager, force: "true" });
    return this.request<T>("PATCH", path, body, "application/apply-patch+yaml");
  }

  /** JSON merge patch; include metadata.resourceVersion in the patch to make it conditional. */
  async mergePatch<T extends KubeObject>(ref: ResourceRef, patch: unknown): Promise<T> {
    const path = resourcePath(ref, undefined, { fieldManager: this.#fieldManager });
    return this.request<T>("PATCH", path, patch, "application/merge-patch+json");
  }

  /** PUT: replaces the object; conditional on metadata.resourceVersion when the object carries it. */
  async replace<T extends KubeObject>(obj: T): Promise<T> {
    const path = resourcePath(refOf(obj), undefined, { fieldManager: this.#fieldManager });
    return this.request<T>("PUT", path, obj);
  }

  /**
   * POST a new object; rejects with 409 when one of that name exists. A dry run goes through
   * validation and admission but stores nothing.
   */
  async create<T extends KubeObject>(obj: T, opts: { dryRun?: boolean } = {}): Promise<T> {
    const ref = refOf(obj);
    const path = resourcePath({ ...ref, name: undefined }, undefined, {
      fieldManager: this.#fieldManager,
      ...(opts.dryRun ? { dryRun: "All" } : {}),
    });
    return this.request<T>("POST", path, obj);
  }

  /** DELETE; resolves false when the object was already gone. */
  async delete(
    ref: ResourceRef,
    opts: {
      propagationPolicy?: "Foreground" | "Background" | "Orphan";
      uid?: string;
      /** Only delete this version of the object (409 when it changed since). */
      resourceVersion?: string;
      gracePeriodSeconds?: number;
    } = {},
  ): Promise<boolean> {
    const body: Record<string, unknown> = { apiVersion: "v1", kind: "DeleteOptions" };
    if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
    if (opts.uid || opts.resourceVersion)
      body.preconditions = {
        ...(opts.uid ? { uid: opts.uid } : {}),
        ...(opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {}),
      };
    if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
    try {
      await this.request("DELETE", resourcePath(ref), body);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}
