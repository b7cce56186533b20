// The metric names a PromQL expression reads, for the test that every shipped alert and dashboard
// query names only metrics the operator exports. A deliberately small tokenizer, not a parser:
// 1. drop string literals ("…", '…', `…`), label matchers {…} and range/subquery selectors […];
// 2. drop grouping label lists: by (…), without (…), on (…), ignoring (…), group_left/right (…);
// 3. every identifier left that is not followed by "(" (a function or aggregation) and is not a
//    keyword, a number or a Grafana variable ($name) is a metric name.
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan", "le"]);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/\$?[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const token = match[0];
    const start = match.index ?? 0;
    const before = stripped[start - 1];
    // The tail of a longer token, such as the exponent of 1e5.
    if (before !== undefined && /[0-9.]/.test(before)) continue;
    if (/^\s*\(/.test(stripped.slice(start + token.length))) continue;
    if (token.startsWith("$") || KEYWORDS.has(token.toLowerCase())) continue;
    names.add(token);
  }
  return [...names].sort();
}
