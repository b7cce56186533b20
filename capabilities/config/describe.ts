// Printable views of the configuration with secrets masked: for startup logs, /debug/status and
// /api/dbinfo. Nothing here returns a password, in any form.
import { formatDuration } from "./duration";
import type { HighlanderConfig } from "./types";

const MASK = "****";

/** Replaces a URL's password (user:password@ and ?password=) with ****; leaves other text alone. */
export function maskUrlPassword(text: string): string {
  // Without "://", `user:pw@host` would parse as a URL with scheme "user:" and no password.
  const plain = (): string =>
    text.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?[^:/@\s]*:)[^\s]*@/i, `$1${MASK}@`);
  if (!text.includes("://")) return plain();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return plain();
  }
  if (url.password !== "") url.password = MASK;
  for (const name of ["password", "sslpassword"]) {
    if (url.searchParams.has(name)) url.searchParams.set(name, MASK);
  }
  return url.toString();
}

/**
 * Masks every `scheme://user:password@` inside free text, such as an error message that quotes a
 * connection string. The HTTP views run storage addresses and errors through it as a last guard.
 */
export function scrubSecrets(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, `$1${MASK}@`);
}

/** The storage backend's address, safe to show: e.g. for /api/dbinfo. */
export function storageAddress(config: HighlanderConfig): string {
  switch (config.storageType) {
    case "kubernetes":
      return `leases/${config.leaseNamespace}`;
    case "redis":
      return maskUrlPassword(config.redis.addr);
    case "db":
      return maskUrlPassword(config.databaseURL);
    case "spanner": {
      const s = config.spanner;
      return `projects/${s.projectID}/instances/${s.instanceID}/databases/${s.databaseID}`;
    }
  }
}

/** The whole configuration as plain JSON, secrets masked, durations as text, workloads summarised. */
export function describeConfig(config: HighlanderConfig): Record<string, unknown> {
  return {
    id: config.id,
    tenant: config.tenant,
    port: config.port,
    namespace: config.namespace,
    remainsFollower: config.remainsFollower,
    storageType: config.storageType,
    storageAddress: storageAddress(config),
    redis: {
      addr: maskUrlPassword(config.redis.addr),
      password: config.redis.password === "" ? "" : MASK,
      db: config.redis.db,
      tls: config.redis.tls,
    },
    databaseURL: maskUrlPassword(config.databaseURL),
    spanner: { ...config.spanner },
    cluster: { ...config.cluster },
    terminationGracePeriod: formatDuration(config.terminationGracePeriodMs),
    lease: {
      duration: formatDuration(config.lease.durationMs),
      renewDeadline: formatDuration(config.lease.renewDeadlineMs),
      retryPeriod: formatDuration(config.lease.retryPeriodMs),
      renewInterval: formatDuration(config.lease.renewIntervalMs),
      stepDownAtRenewDeadline: config.lease.stepDownAtRenewDeadline,
    },
    leaseNamespace: config.leaseNamespace,
    readyOnlyWhenLeader: config.readyOnlyWhenLeader,
    logLevel: config.logLevel,
    // Workload specs may carry env values such as passwords: list identities only.
    workloads: config.workloads.map(w => `${w.kind} ${w.namespace}/${w.name}`),
  };
}
