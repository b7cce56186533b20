// The lease service, independent of any HTTP framework: one request in, one response out. The
// Cloud Function (index.ts) adapts the Functions Framework's request to this, so everything here is
// unit-testable against an in-memory store and runs unchanged on Cloud Functions.
//
// Semantics are the LockStore's (storage/types.ts) — the same implementation the operator uses —
// exposed over HTTP: acquire starts a new epoch, renew/release need the exact (holderId, epoch).
import type { LockStore } from "../storage/types";
import { checkToken } from "./auth";
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
import { checkAcquire, checkRelease, checkRenew, parseBody } from "./validate";
import { leaseView } from "./view";

export interface ServiceRequest {
  method: string;
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
  /** The bearer token; undefined or "" makes every protected route answer 401. */
  token: string | undefined;
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
            : res.status === 401
              ? "unauthorized"
              : res.status < 500
                ? "bad_request"
                : "error";
    leaseMetrics.operations.inc({ operation, result });
    return res;
  }

  async function act(action: LeaseAction, lease: LeaseName, rawBody: unknown) {
    const parsed = parseBody(rawBody);
    if (!parsed.ok) return error(400, parsed.error);
    const store = await opts.store();
    const key = leaseKeyFor(lease);
    const view = (record: Parameters<typeof leaseView>[1]) => leaseView(lease, record, now());
    if (action === "acquire") {
      const body = checkAcquire(parsed.value);
      if (!body.ok) return error(400, body.error);
      const result = await store.tryAcquire(key, body.value);
      if (result.acquired) {
        const r = result.record;
        return json(200, {
          acquired: true,
          epoch: r.epoch,
          expiresAt: r.expiresAt.toISOString(),
          holder: r.holderId,
          lease: view(r),
        });
      }
      const cur = result.current;
      return json(409, {
        error: cur
          ? `lease ${describe(lease)} is held by "${cur.holderId}" (epoch ${cur.epoch}) until ${cur.expiresAt.toISOString()}`
          : `lease ${describe(lease)} is held by another holder`,
        acquired: false,
        ...(cur
          ? { holder: cur.holderId, epoch: cur.epoch, expiresAt: cur.expiresAt.toISOString() }
          : {}),
        ...(cur ? { lease: view(cur) } : {}),
      });
    }
    let holderId: string;
    let epoch: number;
    if (action === "renew") {
      const body = checkRenew(parsed.value);
      if (!body.ok) return error(400, body.error);
      ({ holderId, epoch } = body.value);
      const record = await store.renew(key, holderId, epoch, body.value.leaseDurationMs);
      if (record) {
        return json(200, {
          renewed: true,
          epoch: record.epoch,
          expiresAt: record.expiresAt.toISOString(),
          holder: record.holderId,
          lease: view(record),
        });
      }
    } else {
      const body = checkRelease(parsed.value);
      if (!body.ok) return error(400, body.error);
      ({ holderId, epoch } = body.value);
      if (await store.release(key, holderId, epoch)) {
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
        : current.holderId !== holderId || current.epoch !== epoch
          ? `it is held by "${current.holderId}" with epoch ${current.epoch}`
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

  async function list() {
    const store = await opts.store();
    if (!store.list) return error(501, `the ${store.backend} storage backend cannot list leases`);
    const rows = await store.list(LEASE_KEY_PREFIX, listLimit);
    const at = now();
    const leases = rows.flatMap(({ key, record }) => {
      const lease = leaseFromKey(key);
      return lease ? [leaseView(lease, record, at)] : [];
    });
    return json(200, { leases, truncated: rows.length >= listLimit });
  }

  async function protectedRoute(
    operation: LeaseOperation,
    req: ServiceRequest,
    run: () => Promise<ServiceResponse>,
  ): Promise<ServiceResponse> {
    const auth = checkToken(opts.token, req.authorization);
    if (!auth.ok) {
      return counted(
        operation,
        error(401, auth.error, { "www-authenticate": 'Bearer realm="highlander-leases"' }),
      );
    }
    const end = leaseMetrics.latency.startTimer({ operation });
    try {
      return counted(operation, await run());
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
        const auth = checkToken(opts.token, req.authorization);
        if (!auth.ok) return error(401, auth.error, { "www-authenticate": "Bearer" });
        return {
          status: 200,
          headers: { "content-type": METRICS_CONTENT_TYPE },
          body: await metricsText(),
        };
      }
      case "list":
        return protectedRoute("list", req, list);
      case "get":
        return protectedRoute("get", req, () => get(r.lease));
      case "action":
        return protectedRoute(r.action, req, () => act(r.action, r.lease, req.body));
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
