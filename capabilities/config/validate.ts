// Rules beyond a key's type: formats, what each storage type requires, and the lease timing
// relations. Works on the typed values by path; a key that failed to parse is absent, and every
// rule that needs it is skipped, so one typo produces one problem, not a cascade.
import { effectiveLease } from "./lease";
import { formatDuration } from "./duration";
import { DNS_LABEL } from "./workloads";

export type TypedValues = ReadonlyMap<string, string | number | boolean>;

/** Label values: the tenant ends up in labels and in the lock key. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:/@]+):(\d{1,5})$/;

export function validateValues(values: TypedValues): string[] {
  const problems: string[] = [];
  const str = (path: string): string | undefined => {
    const v = values.get(path);
    return typeof v === "string" ? v : undefined;
  };
  const num = (path: string): number | undefined => {
    const v = values.get(path);
    return typeof v === "number" ? v : undefined;
  };
  const bool = (path: string): boolean | undefined => {
    const v = values.get(path);
    return typeof v === "boolean" ? v : undefined;
  };

  const id = str("id");
  if (id !== undefined) {
    if (id === "") problems.push("id: must not be empty");
    else if (id.length > 253 || /[\s\p{Cc}]/u.test(id)) {
      problems.push(`id: must be at most 253 characters without spaces, got ${JSON.stringify(id)}`);
    }
  }

  const tenant = str("tenant");
  if (tenant !== undefined && (tenant.length > 63 || !LABEL_VALUE.test(tenant))) {
    problems.push(
      `tenant: must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got ${JSON.stringify(tenant)}`,
    );
  }

  for (const path of ["namespace", "leaseNamespace"]) {
    const ns = str(path);
    if (ns !== undefined && (ns.length > 63 || !DNS_LABEL.test(ns))) {
      problems.push(
        `${path}: must be a namespace name (1-63 lowercase letters, digits or '-'), got ${JSON.stringify(ns)}`,
      );
    }
  }

  const addr = str("redis.addr");
  if (addr !== undefined && addr !== "") {
    const problem = redisAddressProblem(addr);
    if (problem !== undefined) problems.push(`redis.addr: ${problem}, got ${JSON.stringify(addr)}`);
  }

  const url = str("databaseURL");
  if (url !== undefined && url !== "" && !isPostgresUrl(url)) {
    problems.push(
      'databaseURL: must be a PostgreSQL URL like "postgres://user:password@host:5432/db"',
    );
  }

  const clusterName = str("cluster.name");
  if (clusterName === "") problems.push("cluster.name: must not be empty");

  switch (str("storageType")) {
    case "redis":
      if (addr === "") problems.push('redis.addr: is required when storageType is "redis"');
      break;
    case "db":
      if (url === "") problems.push('databaseURL: is required when storageType is "db"');
      break;
    case "spanner":
      for (const path of ["spanner.projectID", "spanner.instanceID", "spanner.databaseID"]) {
        if (str(path) === "") problems.push(`${path}: is required when storageType is "spanner"`);
      }
      break;
  }

  if (str("api.readAuth") === "token" && str("api.token") === "" && str("api.tokenFile") === "") {
    problems.push(
      'api.readAuth: "token" needs api.token or api.tokenFile (otherwise every read is refused)',
    );
  }

  const lease = num("lease.duration");
  const retry = num("lease.retryPeriod");
  for (const [path, value] of [
    ["lease.duration", lease],
    ["lease.retryPeriod", retry],
  ] as const) {
    if (value === 0) problems.push(`${path}: must be greater than 0`);
  }
  const rawRenew = num("lease.renewDeadline");
  const rawInterval = num("lease.renewInterval");
  if (lease !== undefined && lease > 0 && rawRenew !== undefined && rawInterval !== undefined) {
    // client-go's rules, on the values in use (0s ones derived): a leader must give up
    // (renewDeadline) before its lease can be taken over (leaseDuration), and several renewals
    // (renewInterval) and attempts (retryPeriod, with 20% jitter) must fit in the deadline.
    const { renewDeadlineMs: renew, renewIntervalMs: every } = effectiveLease(
      lease,
      rawRenew,
      rawInterval,
    );
    const derived = rawRenew === 0 ? " (two thirds of lease.duration)" : "";
    if (lease <= renew) {
      problems.push(
        `lease.duration: must be greater than lease.renewDeadline (${formatDuration(renew)}), got ${formatDuration(lease)}`,
      );
    }
    if (retry !== undefined && retry > 0 && renew <= 1.2 * retry) {
      problems.push(
        `lease.renewDeadline: must be greater than 1.2 × lease.retryPeriod (${formatDuration(1.2 * retry)}), got ${formatDuration(renew)}${derived}`,
      );
    }
    if (rawInterval > 0 && renew <= 1.2 * every) {
      problems.push(
        `lease.renewInterval: must be less than lease.renewDeadline / 1.2 (${formatDuration(Math.round(renew / 1.2))}), got ${formatDuration(every)}`,
      );
    }
  }

  if (bool("remainsFollower") === true && bool("readyOnlyWhenLeader") === true) {
    problems.push(
      "readyOnlyWhenLeader: cannot be true together with remainsFollower (an observer never leads, so it would never be ready)",
    );
  }
  return problems;
}

function redisAddressProblem(addr: string): string | undefined {
  if (/^rediss?:\/\//.test(addr)) {
    try {
      new URL(addr);
      return undefined;
    } catch {
      return "must be host:port or a redis:// / rediss:// URL";
    }
  }
  const match = HOST_PORT.exec(addr);
  if (match === null) return "must be host:port or a redis:// / rediss:// URL";
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return "port must be from 1 to 65535";
  return undefined;
}

function isPostgresUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      (parsed.protocol === "postgres:" || parsed.protocol === "postgresql:") && parsed.host !== ""
    );
  } catch {
    return false;
  }
}
