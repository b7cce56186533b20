// The lease service, independent of any HTTP framework: one request in, one response out. The
// Cloud Function (index.ts) adapts the Functions Framework's request to this, so everything here is
// unit-testable against an in-memory store and runs unchanged on Cloud Functions.
//
// Semantics are the LockStore's (storage/types.ts) — the same implementation the operator uses —
// exposed over HTTP: acquire starts a new epoch, renew/release need the exact (holderId, epoch).
import type { LockStore } from "../storage/types";
import { authenticate, mayAccess, type Scope } from "./auth";
import { newHolderSecret, shownHolder, storedHolder } from "./holder-secret";
import { DASHBOARD_CSP, DASHBOARD_HTML } from "./dashboard";
import { LEASE_KEY_PREFIX, leaseFromKey, leaseKeyFor, type LeaseName } from "./lease-key";
import {
  leaseMetrics,
  METRICS_CONTENT_TYPE,
  metricsText,
  type LeaseOperation,
  type LeaseResult,
} from "./metrics";
import { route, type LeaseAction } from "./routes";
import { checkAcquire, checkRelease, checkRenew, MAX_BODY_BYTES, parseBody } from "./validate";
import { leaseView } from "./view";

export interface ServiceRequest {
  method: string;
  /** The Content-Length header, when the adapter knows it: checked before the body is used. */
  contentLength?: number;
  /** Path and optional query, e.g. "/v1/leases/team-a/report:acquire". */
  path: string;
  authorization?: string;
  /** Parsed JSON object, raw text or bytes, or undefined. */
  body?: unknown;
}

export interface ServiceResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface LeaseServiceOptions {
  /** The lock store, created on first use (and cached by the caller). */
  store: () => Promise<LockStore>;
  /** The administrator's bearer token (every tenant); undefined or "" = none. */
  token: string | undefined;
  /** The key tenant tokens are signed with (auth.ts tenantToken); undefined or "" = none. */
  signingKey?: string;
  now?: () => number;
  /** Largest number of leases GET /v1/leases returns. */
  listLimit?: number;
}

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};

function json(status: number, value: unknown, extra: Record<string, string> = {}): ServiceResponse {
  return { status, headers: { ...JSON_HEADERS, ...extra }, body: `${JSON.stringify(value)}\n` };
}

function error(status: number, message: string, extra: Record<string, string> = {}) {
  return json(status, { error: message }, extra);
}

function describe(lease: LeaseName): string {
  return `${lease.tenant}/${lease.name}`;
}

export function createLeaseService(opts: LeaseServiceOptions) {
  const now = opts.now ?? Date.now;
  const listLimit = opts.listLimit ?? 1000;

  function counted(operation: LeaseOperation, res: ServiceResponse): ServiceResponse {
    const result: LeaseResult =
      res.status < 300
        ? "ok"
        : res.status === 409
          ? "conflict"
          : res.status === 404
            ? "not_found"
            : res.status === 401 || res.status === 403
              ? "unauthorized"
              : res.status < 500
                ? "bad_request"
                : "error";
    leaseMetrics.operations.inc({ operation, result });
    return res;
  }

  async function act(action: LeaseAction, lease: LeaseName, req: ServiceRequest) {
    if ((req.contentLength ?? 0) > MAX_BODY_BYTES) return tooLarge();
    const parsed = parseBody(req.body);
    if (!parsed.ok) return error(/larger than/.test(parsed.error) ? 413 : 400, parsed.error);
    const store = await opts.store();
    const key = leaseKeyFor(lease);
    const view = (record: Parameters<typeof leaseView>[1]) => leaseView(lease, record, now());
    if (action === "acquire") {
      const body = checkAcquire(parsed.value);
      if (!body.ok) return error(400, body.error);
      // A holder re-acquiring what it holds sends its secret; anyone else gets a fresh one, so a
      // claim of the current holder's id without its secret is a different holder to the store.
      const secret = body.value.holderSecret ?? newHolderSecret();
      const { holderSecret: _omitted, ...request } = body.value;
      const result = await store.tryAcquire(key, {
        ...request,
        holderId: storedHolder(body.value.holderId, secret),
      });
      if (result.acquired) {
        const r = result.record;
        return json(200, {
          acquired: true,
          epoch: r.epoch,
          expiresAt: r.expiresAt.toISOString(),
          holder: shownHolder(r.holderId),
          // Only here, only to the acquirer: renew, release and re-acquire need it.
          holderSecret: secret,
          lease: view(r),
        });
      }
      const cur = result.current;
      const curHolder = cur ? shownHolder(cur.holderId) : "";
      return json(409, {
        error: cur
          ? `lease ${describe(lease)} is held by "${curHolder}" (epoch ${cur.epoch}) until ${cur.expiresAt.toISOString()}` +
            (curHolder === body.value.holderId
              ? "; re-acquiring needs the holderSecret of that acquisition"
              : "")
          : `lease ${describe(lease)} is held by another holder`,
        acquired: false,
        ...(cur
          ? { holder: curHolder, epoch: cur.epoch, expiresAt: cur.expiresAt.toISOString() }
          : {}),
        ...(cur ? { lease: view(cur) } : {}),
      });
    }
    let holderId: string;
    let epoch: number;
    let stored: string;
    // Without the acquisition's secret nothing is tried: the answer says why, from the record.
    let secretGiven = false;
    if (action === "renew") {
      const body = checkRenew(parsed.value);
      if (!body.ok) return error(400, body.error);
      ({ holderId, epoch } = body.value);
      secretGiven = body.value.holderSecret !== undefined;
      stored = storedHolder(holderId, body.value.holderSecret ?? "");
      const record = secretGiven
        ? await store.renew(key, stored, epoch, body.value.leaseDurationMs)
        : undefined;
      if (record) {
        return json(200, {
          renewed: true,
          epoch: record.epoch,
          expiresAt: record.expiresAt.toISOString(),
          holder: shownHolder(record.holderId),
          lease: view(record),
        });
      }
    } else {
      const body = checkRelease(parsed.value);
      if (!body.ok) return error(400, body.error);
      ({ holderId, epoch } = body.value);
      secretGiven = body.value.holderSecret !== undefined;
      stored = storedHolder(holderId, body.value.holderSecret ?? "");
      if (secretGiven && (await store.release(key, stored, epoch))) {
        const record = await store.get(key);
        return json(200, { released: true, ...(record ? { lease: view(record) } : {}) });
      }
    }
    // Not (holderId, epoch): say why, from the current record. Nothing was changed.
    const current = await store.get(key);
    if (!current) return error(404, `no lease ${describe(lease)}`);
    const why =
      current.holderId === ""
        ? "it was released"
        : current.holderId !== stored && shownHolder(current.holderId) === holderId
          ? secretGiven
            ? "the holderSecret is not the one of that acquisition"
            : "holderSecret is required (the acquire answer returned it)"
          : current.holderId !== stored || current.epoch !== epoch
            ? `it is held by "${shownHolder(current.holderId)}" with epoch ${current.epoch}`
            : `it expired at ${current.expiresAt.toISOString()}`;
    return json(409, {
      error: `${action} refused: lease ${describe(lease)} is not held by "${holderId}" with epoch ${epoch}; ${why}`,
      [action === "renew" ? "renewed" : "released"]: false,
      lease: view(current),
    });
  }

  async function get(lease: LeaseName) {
    const record = await (await opts.store()).get(leaseKeyFor(lease));
    if (!record) return error(404, `no lease ${describe(lease)}`);
    return json(200, leaseView(lease, record, now()));
  }

  function tooLarge(): ServiceResponse {
    return error(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
  }

  async function list(scope: Scope) {
    const store = await opts.store();
    if (!store.list) return error(501, `the ${store.backend} storage backend cannot list leases`);
    const rows = await store.list(LEASE_KEY_PREFIX, listLimit);
    const at = now();
    const leases = rows.flatMap(({ key, record }) => {
      const lease = leaseFromKey(key);
      return lease && mayAccess(scope, lease.tenant) ? [leaseView(lease, record, at)] : [];
    });
    return json(200, { leases, truncated: rows.length >= listLimit });
  }

  const creds = { token: opts.token, signingKey: opts.signingKey };

  async function protectedRoute(
    operation: LeaseOperation,
    req: ServiceRequest,
    tenant: string | undefined,
    run: (scope: Scope) => Promise<ServiceResponse>,
  ): Promise<ServiceResponse> {
    const auth = authenticate(creds, req.authorization);
    if (!auth.ok) {
      return counted(
        operation,
        error(401, auth.error, { "www-authenticate": 'Bearer realm="highlander-leases"' }),
      );
    }
    if (tenant !== undefined && !mayAccess(auth.scope, tenant)) {
      return counted(operation, error(403, `this token does not open tenant "${tenant}"`));
    }
    const end = leaseMetrics.latency.startTimer({ operation });
    try {
      return counted(operation, await run(auth.scope));
    } catch (err) {
      // Storage could not tell (unreachable, timed out): the client retries; nothing is assumed.
      const message = err instanceof Error ? err.message : String(err);
      return counted(
        operation,
        error(503, `storage unavailable: ${message}`, { "retry-after": "1" }),
      );
    } finally {
      end();
    }
  }

  return async function handle(req: ServiceRequest): Promise<ServiceResponse> {
    const r = route(req.method.toUpperCase(), req.path);
    switch (r.kind) {
      case "healthz":
        return json(200, { status: "ok" });
      case "dashboard":
        return {
          status: 200,
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": DASHBOARD_CSP,
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
          },
          body: DASHBOARD_HTML,
        };
      case "metrics": {
        const auth = authenticate(creds, req.authorization);
        if (!auth.ok) return error(401, auth.error, { "www-authenticate": "Bearer" });
        return {
          status: 200,
          headers: { "content-type": METRICS_CONTENT_TYPE },
          body: await metricsText(),
        };
      }
      case "list":
        return protectedRoute("list", req, undefined, list);
      case "get":
        return protectedRoute("get", req, r.lease.tenant, () => get(r.lease));
      case "action":
        return protectedRoute(r.action, req, r.lease.tenant, () => act(r.action, r.lease, req));
      case "bad-request":
        return error(400, r.error);
      case "method-not-allowed":
        return error(405, r.error, { allow: r.allow });
      case "not-found":
        return error(404, r.error);
    }
  };
}

export type LeaseHandler = ReturnType<typeof createLeaseService>;
