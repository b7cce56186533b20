// Who may call a route. Mutating routes (step-down) always need credentials: either the static token
// an administrator configured (compared in constant time), or a Kubernetes token that TokenReview
// accepts and whose user RBAC lets `update` the virtual resource leaders.highlander.plexobject.io, so
// RBAC decides who may force a failover. Read routes follow api.readAuth: open (the predecessor's
// behaviour and the dashboard's), the static token only, or either credential with RBAC's `get`.
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

export interface ReviewedUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** The two API server calls; the runtime implements them with its KubeClient, unit tests mock them. */
export interface KubeAuthApi {
  /** The user a token belongs to, or undefined when the API server does not accept it. */
  tokenReview(token: string): Promise<ReviewedUser | undefined>;
  /** Whether RBAC lets the user do `verb` on group/resource. */
  subjectAccessReview(
    user: ReviewedUser,
    attrs: { verb: string; group: string; resource: string },
  ): Promise<boolean>;
}

export interface AuthOptions {
  /** The configured static token (already read from api.token or api.tokenFile); "" = none. */
  staticToken?: () => string;
  kube?: KubeAuthApi;
}

export const STEP_DOWN_ACCESS = {
  verb: "update",
  group: "highlander.plexobject.io",
  resource: "leaders",
} as const;

export const READ_ACCESS = { ...STEP_DOWN_ACCESS, verb: "get" } as const;

export const READ_AUTH_MODES = ["open", "token", "kubernetes"] as const;
export type ReadAuthMode = (typeof READ_AUTH_MODES)[number];

type Access = { readonly verb: string; readonly group: string; readonly resource: string };

export type AuthResult =
  | { ok: true; user: string }
  | { ok: false; status: 401 | 403; reason: string };

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokensEqual(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function authorizeMutation(
  authorization: string | undefined,
  opts: AuthOptions,
): Promise<AuthResult> {
  return authorize(authorization, opts, STEP_DOWN_ACCESS);
}

/** Read routes under api.readAuth; probes never come here (the kubelet sends no credentials). */
export async function authorizeRead(
  authorization: string | undefined,
  mode: ReadAuthMode,
  opts: AuthOptions,
): Promise<AuthResult> {
  switch (mode) {
    case "open":
      return { ok: true, user: "anonymous" };
    case "token":
      return authorize(authorization, { staticToken: opts.staticToken }, READ_ACCESS);
    case "kubernetes":
      return authorize(authorization, opts, READ_ACCESS);
  }
}

async function authorize(
  authorization: string | undefined,
  opts: AuthOptions,
  access: Access,
): Promise<AuthResult> {
  const token = bearerToken(authorization);
  if (token === undefined) {
    return { ok: false, status: 401, reason: "send Authorization: Bearer <token>" };
  }
  const configured = opts.staticToken?.() ?? "";
  if (configured !== "" && tokensEqual(token, configured)) return { ok: true, user: "api-token" };
  if (opts.kube === undefined) return { ok: false, status: 401, reason: "invalid token" };
  const user = await opts.kube.tokenReview(token);
  if (user === undefined) return { ok: false, status: 401, reason: "invalid token" };
  const allowed = await opts.kube.subjectAccessReview(user, access);
  if (!allowed) {
    return {
      ok: false,
      status: 403,
      reason: `${user.username} may not ${access.verb} ${access.resource}.${access.group}`,
    };
  }
  return { ok: true, user: user.username };
}

/**
 * DNS rebinding makes a browser send a hostile name in Host; IP literals, localhost, in-cluster
 * Service names and the configured names are what a legitimate caller uses.
 */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (host === undefined || host === "") return false;
  const name = hostName(host).toLowerCase();
  if (isIP(name) !== 0) return true;
  if (name === "localhost" || name.endsWith(".svc") || name.endsWith(".svc.cluster.local")) {
    return true;
  }
  return allowed.includes(name);
}

function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}
