// Whether an applied child already is what we would apply, so an unchanged child costs no write (and no
// event). Two checks, both needed:
// - the hash of the desired object we last applied, kept in an annotation on the child, equals the hash
//   of what we want now: a field we stopped setting (an env var removed from the spec) changes the hash,
//   and only an apply removes it (server-side apply drops fields its manager no longer sends);
// - every field we set still has our value on the child: somebody's edit to one of them (drift) is put
//   back. Fields the API server or other managers added are not ours to judge.
import type { KubeObject } from "../../../runtime/kube-client";
import { withAnnotations } from "./labels";
import { shortHash } from "./hash";

/** Annotation on an applied child: the hash of the desired object it was last applied from. */
export const APPLIED_HASH_ANNOTATION = "highlander.plexobject.io/applied-hash";

/** `desired` with the hash of itself in the applied-hash annotation. */
export function withAppliedHash<T extends KubeObject>(desired: T): T {
  return withAnnotations(desired, { [APPLIED_HASH_ANNOTATION]: shortHash(desired) });
}

/**
 * True when `actual` has every value `wanted` sets: objects key by key (extra keys in `actual` are
 * fine), arrays element by element with equal length (an element the API server filled in with
 * defaults still matches), anything else by strict equality.
 */
export function containsFields(actual: unknown, wanted: unknown): boolean {
  if (wanted === undefined) return true;
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(actual) &&
      actual.length === wanted.length &&
      wanted.every((item, i) => containsFields(actual[i], item))
    );
  }
  if (wanted !== null && typeof wanted === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(wanted as Record<string, unknown>).every(([key, value]) =>
      containsFields(record[key], value),
    );
  }
  return actual === wanted;
}

/** True when applying `desired` (already carrying its applied hash) over `existing` would change nothing of ours. */
export function isUpToDate(existing: KubeObject, desired: KubeObject): boolean {
  const hash = desired.metadata?.annotations?.[APPLIED_HASH_ANNOTATION];
  return (
    hash !== undefined &&
    existing.metadata?.annotations?.[APPLIED_HASH_ANNOTATION] === hash &&
    containsFields(existing, desired)
  );
}
