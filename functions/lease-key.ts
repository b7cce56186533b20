// Names of leases: `<tenant>/<name>`, both DNS-label-like, stored under the lock key
// `highlander-lease:<tenant>/<name>` — a prefix of its own, so leases never collide with the
// operator's tenant locks (`highlander-leader-lock:<tenant>`) in the same table.

export const LEASE_KEY_PREFIX = "highlander-lease:";

/** A DNS label (RFC 1123): lower-case letters, digits and '-', 1–63 chars, alphanumeric at both ends. */
const LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

export interface LeaseName {
  tenant: string;
  name: string;
}

/** Why `part` is not a valid tenant or lease name, or undefined when it is. */
export function labelProblem(what: "tenant" | "name", part: string): string | undefined {
  if (part === "") return `${what} is empty`;
  if (LABEL.test(part)) return undefined;
  return (
    `${what} "${part.slice(0, 80)}" is not a DNS label: use 1-63 lower-case letters, digits and '-', ` +
    `starting and ending with a letter or digit`
  );
}

export function leaseKeyFor(lease: LeaseName): string {
  return `${LEASE_KEY_PREFIX}${lease.tenant}/${lease.name}`;
}

/** Parses "tenant/name" (what `highlander run --lease` takes); throws with a clear message. */
export function parseLeaseName(text: string): LeaseName {
  const parts = text.split("/");
  if (parts.length !== 2) {
    throw new Error(`lease "${text}" must be <tenant>/<name>, e.g. team-a/nightly-report`);
  }
  const [tenant, name] = parts;
  const problem = labelProblem("tenant", tenant) ?? labelProblem("name", name);
  if (problem) throw new Error(problem);
  return { tenant, name };
}

/** The lease behind a stored key, or undefined for keys that are not leases. */
export function leaseFromKey(key: string): LeaseName | undefined {
  if (!key.startsWith(LEASE_KEY_PREFIX)) return undefined;
  try {
    return parseLeaseName(key.slice(LEASE_KEY_PREFIX.length));
  } catch {
    return undefined;
  }
}
