// Route matching as a pure function: path and method in, a route name and its parameters out, or
// the reason there is none (404, or 405 with the methods that would work).

export type RouteName =
  | "dashboard"
  | "healthz"
  | "readyz"
  | "status"
  | "workloads"
  | "workloadNames"
  | "workloadByName"
  | "workload"
  | "leader"
  | "stepDown"
  | "dbinfo"
  | "pods"
  | "debugStatus"
  | "metrics";

interface RouteDef {
  name: RouteName;
  /** Path segments; ":x" captures one segment as parameter x. */
  segments: readonly string[];
  methods: readonly string[];
}

const GET = ["GET", "HEAD"] as const;

const ROUTES: readonly RouteDef[] = [
  { name: "dashboard", segments: [], methods: GET },
  { name: "healthz", segments: ["healthz"], methods: GET },
  { name: "readyz", segments: ["readyz"], methods: GET },
  { name: "readyz", segments: ["health"], methods: GET },
  { name: "status", segments: ["api", "status"], methods: GET },
  { name: "status", segments: ["status"], methods: GET },
  { name: "workloads", segments: ["api", "workloads"], methods: GET },
  { name: "workloadNames", segments: ["api", "workload-names"], methods: GET },
  { name: "workloadByName", segments: ["api", "workloads", ":name"], methods: GET },
  {
    name: "workload",
    segments: ["api", "workloads", ":namespace", ":kind", ":name"],
    methods: GET,
  },
  { name: "leader", segments: ["api", "leader"], methods: GET },
  { name: "stepDown", segments: ["api", "leader", "step-down"], methods: ["POST"] },
  { name: "dbinfo", segments: ["api", "dbinfo"], methods: GET },
  { name: "pods", segments: ["api", "pods"], methods: GET },
  { name: "debugStatus", segments: ["debug", "status"], methods: GET },
  { name: "metrics", segments: ["metrics"], methods: GET },
];

export type RouteMatch =
  | { kind: "route"; name: RouteName; params: Record<string, string> }
  | { kind: "not-found" }
  | { kind: "method-not-allowed"; allow: string[] };

export function matchRoute(method: string, pathname: string): RouteMatch {
  const segments = splitPath(pathname);
  if (segments === undefined) return { kind: "not-found" };
  const allow = new Set<string>();
  for (const route of ROUTES) {
    const params = matchSegments(route.segments, segments);
    if (params === undefined) continue;
    if (route.methods.includes(method)) return { kind: "route", name: route.name, params };
    route.methods.forEach(m => allow.add(m));
  }
  if (allow.size > 0) return { kind: "method-not-allowed", allow: [...allow] };
  return { kind: "not-found" };
}

/** Decoded, non-empty segments; a trailing slash is ignored. Undefined for bad %-encoding. */
function splitPath(pathname: string): string[] | undefined {
  try {
    return pathname
      .split("/")
      .filter(s => s !== "")
      .map(s => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function matchSegments(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] ?? "";
    const got = segments[i] ?? "";
    if (want.startsWith(":")) params[want.slice(1)] = got;
    else if (want !== got) return undefined;
  }
  return params;
}
