// Bearer-token check in constant time. Both sides are hashed first so the comparison always runs
// over two 32-byte digests: timingSafeEqual needs equal lengths, and hashing means neither the
// token's length nor its prefix leaks through response times.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export type AuthResult = { ok: true } | { ok: false; error: string };

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** The token in an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * Checks the request's Authorization header against the configured token. A service without a
 * token refuses everything (fail closed) rather than running open by accident.
 */
export function checkToken(expected: string | undefined, header: string | undefined): AuthResult {
  if (!expected) {
    return {
      ok: false,
      error: "the lease service has no HIGHLANDER_LEASE_TOKEN configured; refusing all requests",
    };
  }
  const given = bearerToken(header);
  if (given === undefined) {
    return { ok: false, error: "missing bearer token: send Authorization: Bearer <token>" };
  }
  if (!timingSafeEqual(digest(given), digest(expected))) {
    return { ok: false, error: "invalid bearer token" };
  }
  return { ok: true };
}

// Per-tenant credentials. A tenant token is `hlt1.<tenant>.<signature>`, the signature an HMAC-SHA256
// of `hlt1.<tenant>` under the service's signing key (HIGHLANDER_LEASE_SIGNING_KEY): the service
// needs no list of tokens, and a token only ever opens its own tenant's leases. The configured
// HIGHLANDER_LEASE_TOKEN stays the administrator's token (every tenant, the list of all leases).
const TENANT_TOKEN_PREFIX = "hlt1";

/** Who a request is: the administrator (every tenant) or one tenant. */
export type Scope = { kind: "admin" } | { kind: "tenant"; tenant: string };

export type AccessResult = { ok: true; scope: Scope } | { ok: false; status: 401; error: string };

export interface Credentials {
  /** The administrator token (HIGHLANDER_LEASE_TOKEN). */
  token?: string;
  /** The key tenant tokens are signed with (HIGHLANDER_LEASE_SIGNING_KEY). */
  signingKey?: string;
}

function signature(key: string, tenant: string): string {
  return createHmac("sha256", key).update(`${TENANT_TOKEN_PREFIX}.${tenant}`).digest("base64url");
}

/** The token that opens `tenant`'s leases (and nothing else) under `signingKey`. */
export function tenantToken(signingKey: string, tenant: string): string {
  if (signingKey === "") throw new Error("a signing key is required to make tenant tokens");
  return `${TENANT_TOKEN_PREFIX}.${tenant}.${signature(signingKey, tenant)}`;
}

/** Authenticates a request: the administrator token, or a tenant token signed by our key. */
export function authenticate(creds: Credentials, header: string | undefined): AccessResult {
  if (!creds.token && !creds.signingKey) {
    return {
      ok: false,
      status: 401,
      error:
        "the lease service has no HIGHLANDER_LEASE_TOKEN or HIGHLANDER_LEASE_SIGNING_KEY configured; refusing all requests",
    };
  }
  const given = bearerToken(header);
  if (given === undefined) {
    return {
      ok: false,
      status: 401,
      error: "missing bearer token: send Authorization: Bearer <token>",
    };
  }
  if (creds.token && timingSafeEqual(digest(given), digest(creds.token))) {
    return { ok: true, scope: { kind: "admin" } };
  }
  const parts = given.split(".");
  if (creds.signingKey && parts.length === 3 && parts[0] === TENANT_TOKEN_PREFIX) {
    const tenant = parts[1] ?? "";
    const expected = signature(creds.signingKey, tenant);
    if (timingSafeEqual(digest(parts[2] ?? ""), digest(expected))) {
      return { ok: true, scope: { kind: "tenant", tenant } };
    }
  }
  return { ok: false, status: 401, error: "invalid bearer token" };
}

/** Whether `scope` may touch `tenant`'s leases. */
export function mayAccess(scope: Scope, tenant: string): boolean {
  return scope.kind === "admin" || scope.tenant === tenant;
}
