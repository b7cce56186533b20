// What an error from the API server means for a workload, so the reconcile can say so on the resource
// instead of only in the operator log. Pure: it looks at the HTTP status, the API reason and the message.
// - rejected:  the API server refused the child as written (400, 403, 404, 405, 413, 415, 422, and
//              server-side apply's 500 "failed to create typed patch object", which is a type error in
//              the applied object). Retrying the same request will not help: the user must change the
//              spec or the environment (a missing ServiceAccount, a Pod Security level). Stalled.
// - transient: conflicts, throttling, timeouts, 5xx, dropped connections, an admission policy the
//              API server has not set up yet. Retried with back-off and shown on the resource only
//              after they persist.
// - undefined: not an API answer about the child (a fence refusal, lost leadership, a bug): the caller
//              handles it as before.
export type WriteErrorClass = "rejected" | "transient";

export interface ApiErrorFacts {
  status?: number;
  /** Node's network error code (ECONNRESET, ETIMEDOUT, ...), when the request never got an answer. */
  code?: string;
  message: string;
}

export const TYPED_PATCH_FAILURE = "failed to create typed patch object";

/**
 * A ValidatingAdmissionPolicy that the API server could not set up yet, e.g. the fence policy in the
 * seconds after a kube-apiserver start, before it has discovered the HighlanderFence CRD its params
 * come from ("failed to find resource referenced by paramKind"). With failurePolicy Fail every write
 * the policy matches is refused then, whatever it carries: nothing is wrong with the child, so retry.
 */
export const POLICY_NOT_CONFIGURED = "failed to configure policy";

const REJECTED = new Set([400, 403, 404, 405, 413, 415, 422]);
const TRANSIENT = new Set([408, 409, 410, 425, 429]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
]);

export function classifyWriteError(err: ApiErrorFacts): WriteErrorClass | undefined {
  const { status } = err;
  if (err.message.includes(POLICY_NOT_CONFIGURED)) return "transient";
  if (status !== undefined) {
    if (REJECTED.has(status)) return "rejected";
    if (status === 500 && err.message.includes(TYPED_PATCH_FAILURE)) return "rejected";
    if (TRANSIENT.has(status) || status >= 500) return "transient";
    return undefined;
  }
  if (err.code && NETWORK_CODES.has(err.code)) return "transient";
  if (/socket hang up|timed? ?out/i.test(err.message)) return "transient";
  return undefined;
}

/** Consecutive failures of one workload before a transient error is shown on it (about 12 s of retries). */
export const TRANSIENT_SURFACE_AFTER = 6;
