// The lease service's URL space, as one pure function from (method, path) to a route, so every
// rule (including 400 for bad names and 405 for wrong methods) is unit-tested without a server.
import { labelProblem, type LeaseName } from "./lease-key";

export type LeaseAction = "acquire" | "renew" | "release";

export type Route =
  | { kind: "dashboard" }
  | { kind: "healthz" }
  | { kind: "metrics" }
  | { kind: "list" }
  | { kind: "get"; lease: LeaseName }
  | { kind: "action"; action: LeaseAction; lease: LeaseName }
  | { kind: "bad-request"; error: string }
  | { kind: "method-not-allowed"; allow: string; error: string }
  | { kind: "not-found"; error: string };

const ACTIONS: readonly LeaseAction[] = ["acquire", "renew", "release"];

function only(method: string, allowed: string, route: Route): Route {
  if (method === allowed || (allowed === "GET" && method === "HEAD")) return route;
  return {
    kind: "method-not-allowed",
    allow: allowed,
    error: `method ${method} is not allowed here; use ${allowed}`,
  };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function route(method: string, rawPath: string): Route {
  const path = rawPath.split("?")[0].replace(/\/+$/, "") || "/";
  if (path === "/") return only(method, "GET", { kind: "dashboard" });
  if (path === "/healthz") return only(method, "GET", { kind: "healthz" });
  if (path === "/metrics") return only(method, "GET", { kind: "metrics" });
  if (path === "/v1/leases") return only(method, "GET", { kind: "list" });
  const rest = path.startsWith("/v1/leases/") ? path.slice("/v1/leases/".length) : undefined;
  if (rest === undefined) return { kind: "not-found", error: `no such endpoint: ${path}` };
  const segments = rest.split("/").map(decode);
  if (segments.length !== 2 || segments.some(s => s === undefined)) {
    return {
      kind: "bad-request",
      error: "lease paths are /v1/leases/<tenant>/<name>[:acquire|:renew|:release]",
    };
  }
  const [tenant, last] = segments as [string, string];
  const colon = last.indexOf(":");
  const name = colon >= 0 ? last.slice(0, colon) : last;
  const verb = colon >= 0 ? last.slice(colon + 1) : undefined;
  const problem = labelProblem("tenant", tenant) ?? labelProblem("name", name);
  if (problem) return { kind: "bad-request", error: problem };
  const lease = { tenant, name };
  if (verb === undefined) return only(method, "GET", { kind: "get", lease });
  const action = ACTIONS.find(a => a === verb);
  if (!action) {
    return {
      kind: "not-found",
      error: `unknown action ":${verb}"; use :acquire, :renew or :release`,
    };
  }
  return only(method, "POST", { kind: "action", action, lease });
}
