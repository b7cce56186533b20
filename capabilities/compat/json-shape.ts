// The shape of a JSON answer, compared with a recorded one: same keys and JSON types, recursively;
// values may differ. Used by recorded.test.ts against the predecessor's real answers.

type JsonType = "null" | "array" | "object" | "string" | "number" | "boolean";

function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as JsonType;
}

export interface ShapeRules {
  /** Objects keyed by data (workload names, labels): each of our entries is compared with theirs. */
  maps?: readonly string[];
  /** Free-form objects whose keys depend on state, not on the API: only their type is compared. */
  open?: readonly string[];
}

/** Path segments joined by "."; a map entry is "*", an array element "[]". Patterns match exactly. */
function matches(path: string, patterns: readonly string[] | undefined): boolean {
  return (patterns ?? []).includes(path);
}

/**
 * Where ours lacks a key theirs has, or a value's JSON type differs. A null of theirs matches
 * anything (Go's nil maps and slices); keys only ours has are fine (ours is a superset).
 */
export function shapeDifferences(
  ours: unknown,
  theirs: unknown,
  rules: ShapeRules = {},
  path = "",
): string[] {
  const at = path === "" ? "(root)" : path;
  if (theirs === null) return [];
  const [o, t] = [jsonType(ours), jsonType(theirs)];
  if (o !== t) return [`${at}: ours is ${o}, theirs ${t}`];
  const join = (segment: string) => (path === "" ? segment : `${path}.${segment}`);
  if (t === "array") {
    const [first] = theirs as unknown[];
    if (first === undefined) return [];
    return (ours as unknown[]).flatMap(item => shapeDifferences(item, first, rules, join("[]")));
  }
  if (t !== "object" || matches(path, rules.open)) return [];
  const mine = ours as Record<string, unknown>;
  const theirsObj = theirs as Record<string, unknown>;
  if (matches(path, rules.maps)) {
    const [first] = Object.values(theirsObj);
    if (first === undefined) return [];
    return Object.values(mine).flatMap(v => shapeDifferences(v, first, rules, join("*")));
  }
  return Object.entries(theirsObj).flatMap(([key, value]) =>
    key in mine
      ? shapeDifferences(mine[key], value, rules, join(key))
      : [`${join(key)}: missing in ours (theirs is ${jsonType(value)})`],
  );
}
