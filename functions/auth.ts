// Bearer-token check in constant time. Both sides are hashed first so the comparison always runs
// over two 32-byte digests: timingSafeEqual needs equal lengths, and hashing means neither the
// token's length nor its prefix leaks through response times.
import { createHash, timingSafeEqual } from "node:crypto";

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
