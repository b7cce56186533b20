// Request bodies of the lease actions, checked before anything touches storage: a bad request
// gets a 400 naming the problem and changes nothing.

/** Lease durations are whole milliseconds in this range (1 s to 1 h). */
export const MIN_LEASE_MS = 1000;
export const MAX_LEASE_MS = 3_600_000;
/** Holder ids and cluster names are stored and shown; keep them bounded. */
const MAX_ID_LENGTH = 256;
const MAX_METADATA_ENTRIES = 32;
const MAX_METADATA_KEY = 128;
const MAX_METADATA_VALUE = 1024;
/** Largest holder secret accepted (the service issues 43 characters). */
const MAX_SECRET_LENGTH = 128;
/** Largest request body the lease actions accept, checked before a body is read in full. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Control characters (C0, DEL, C1: terminal escapes among them), line and paragraph separators and
 * bidirectional overrides: none belong in an id a dashboard or a terminal shows.
 */
function unprintable(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** `text` with every character the service refuses replaced by a space (for values we compose). */
export function toPrintable(text: string): string {
  return [...text].map(ch => (unprintable(ch.codePointAt(0) ?? 0) ? " " : ch)).join("");
}

function printable(what: string, text: string): string | undefined {
  return [...text].some(ch => unprintable(ch.codePointAt(0) ?? 0))
    ? `${what} contains a control or formatting character (not allowed)`
    : undefined;
}

export interface AcquireBody {
  holderId: string;
  /** The secret of the current acquisition, when re-acquiring a lease one holds. */
  holderSecret?: string;
  leaseDurationMs: number;
  clusterName: string;
  metadata: Record<string, string>;
}

export interface RenewBody {
  holderId: string;
  holderSecret?: string;
  epoch: number;
  leaseDurationMs: number;
}

export interface ReleaseBody {
  holderId: string;
  holderSecret?: string;
  epoch: number;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

type Json = Record<string, unknown>;

/** Parses a request body: an object already parsed by the framework, or JSON text/bytes. */
export function parseBody(body: unknown): Checked<Json> {
  let value: unknown = body;
  const size =
    typeof body === "string" ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : 0;
  if (size > MAX_BODY_BYTES) {
    return { ok: false, error: `request body is larger than ${MAX_BODY_BYTES} bytes` };
  }
  if (body === undefined || body === null || body === "") {
    return { ok: false, error: "request body must be a JSON object; got an empty body" };
  }
  if (Buffer.isBuffer(body)) value = body.toString("utf8");
  if (typeof value === "string") {
    if (value.trim() === "") {
      return { ok: false, error: "request body must be a JSON object; got an empty body" };
    }
    try {
      value = JSON.parse(value);
    } catch (err) {
      return { ok: false, error: `malformed JSON body: ${(err as Error).message}` };
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: "request body must be a JSON object" };
  }
  return { ok: true, value: value as Json };
}

function holder(body: Json): Checked<string> {
  const id = body.holderId;
  if (id === undefined || id === null || id === "") {
    return { ok: false, error: "holderId is required" };
  }
  if (typeof id !== "string") return { ok: false, error: "holderId must be a string" };
  if (id.length > MAX_ID_LENGTH) {
    return { ok: false, error: `holderId is longer than ${MAX_ID_LENGTH} characters` };
  }
  const bad = printable("holderId", id);
  if (bad) return { ok: false, error: bad };
  return { ok: true, value: id };
}

function secret(body: Json): Checked<string | undefined> {
  const s = body.holderSecret;
  if (s === undefined || s === null || s === "") return { ok: true, value: undefined };
  if (typeof s !== "string" || s.length > MAX_SECRET_LENGTH || printable("", s)) {
    return { ok: false, error: `holderSecret must be the secret the acquire answer returned` };
  }
  return { ok: true, value: s };
}

function duration(body: Json): Checked<number> {
  const ms = body.leaseDurationMs;
  if (ms === undefined) return { ok: false, error: "leaseDurationMs is required" };
  if (typeof ms !== "number" || !Number.isInteger(ms)) {
    return { ok: false, error: "leaseDurationMs must be a whole number of milliseconds" };
  }
  if (ms <= 0) return { ok: false, error: `leaseDurationMs must be positive, got ${ms}` };
  if (ms < MIN_LEASE_MS || ms > MAX_LEASE_MS) {
    return {
      ok: false,
      error: `leaseDurationMs must be between ${MIN_LEASE_MS} and ${MAX_LEASE_MS}, got ${ms}`,
    };
  }
  return { ok: true, value: ms };
}

function epoch(body: Json): Checked<number> {
  const e = body.epoch;
  if (e === undefined) return { ok: false, error: "epoch is required" };
  if (typeof e !== "number" || !Number.isSafeInteger(e) || e < 1) {
    return { ok: false, error: "epoch must be a positive whole number" };
  }
  return { ok: true, value: e };
}

function metadata(body: Json): Checked<Record<string, string>> {
  const m = body.metadata;
  if (m === undefined || m === null) return { ok: true, value: {} };
  if (typeof m !== "object" || Array.isArray(m)) {
    return { ok: false, error: "metadata must be an object of strings" };
  }
  const entries = Object.entries(m);
  if (entries.length > MAX_METADATA_ENTRIES) {
    return { ok: false, error: `metadata has more than ${MAX_METADATA_ENTRIES} entries` };
  }
  for (const [k, v] of entries) {
    if (k === "" || k.length > MAX_METADATA_KEY) {
      return { ok: false, error: `metadata keys must be 1 to ${MAX_METADATA_KEY} characters` };
    }
    const badKey = printable("a metadata key", k);
    if (badKey) return { ok: false, error: badKey };
    if (typeof v !== "string") return { ok: false, error: `metadata.${k} must be a string` };
    const badValue = printable(`metadata.${k}`, v);
    if (badValue) return { ok: false, error: badValue };
    if (v.length > MAX_METADATA_VALUE) {
      return { ok: false, error: `metadata.${k} is longer than ${MAX_METADATA_VALUE} characters` };
    }
  }
  return { ok: true, value: m as Record<string, string> };
}

function clusterName(body: Json): Checked<string> {
  const c = body.clusterName;
  if (c === undefined || c === null) return { ok: true, value: "" };
  if (typeof c !== "string" || c.length > MAX_ID_LENGTH) {
    return { ok: false, error: `clusterName must be a string of at most ${MAX_ID_LENGTH} chars` };
  }
  const bad = printable("clusterName", c);
  if (bad) return { ok: false, error: bad };
  return { ok: true, value: c };
}

export function checkAcquire(body: Json): Checked<AcquireBody> {
  const h = holder(body);
  if (!h.ok) return h;
  const d = duration(body);
  if (!d.ok) return d;
  const c = clusterName(body);
  if (!c.ok) return c;
  const m = metadata(body);
  if (!m.ok) return m;
  const s = secret(body);
  if (!s.ok) return s;
  return {
    ok: true,
    value: {
      holderId: h.value,
      holderSecret: s.value,
      leaseDurationMs: d.value,
      clusterName: c.value,
      metadata: m.value,
    },
  };
}

export function checkRenew(body: Json): Checked<RenewBody> {
  const h = holder(body);
  if (!h.ok) return h;
  const e = epoch(body);
  if (!e.ok) return e;
  const d = duration(body);
  if (!d.ok) return d;
  const s = secret(body);
  if (!s.ok) return s;
  return {
    ok: true,
    value: { holderId: h.value, holderSecret: s.value, epoch: e.value, leaseDurationMs: d.value },
  };
}

export function checkRelease(body: Json): Checked<ReleaseBody> {
  const h = holder(body);
  if (!h.ok) return h;
  const e = epoch(body);
  if (!e.ok) return e;
  const s = secret(body);
  if (!s.ok) return s;
  return { ok: true, value: { holderId: h.value, holderSecret: s.value, epoch: e.value } };
}
