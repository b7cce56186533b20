// Leader-election and storage metrics on prom-client's default registry, with the predecessor's
// names (prefix k8_highlander_) so existing dashboards and alerts keep working. Every metric is
// registered once per process: tests import these modules repeatedly, so we reuse what exists.
import { Counter, Gauge, Histogram, register } from "prom-client";

const PREFIX = "k8_highlander_";

function once<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(PREFIX + name) as T | undefined) ?? create();
}

function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []) {
  return once(name, () => new Counter<L>({ name: PREFIX + name, help, labelNames }));
}

function gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []) {
  return once(name, () => new Gauge<L>({ name: PREFIX + name, help, labelNames }));
}

function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
) {
  return once(name, () => new Histogram<L>({ name: PREFIX + name, help, labelNames, buckets }));
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const FAILOVER_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120];

export const metrics = {
  isLeader: gauge("is_leader", "1 while this process holds the leader lock and may act, else 0", [
    "backend",
  ]),
  leaderEpoch: gauge(
    "leader_epoch",
    "Fencing epoch of this process's current leadership (0 when not leading)",
    ["backend"],
  ),
  transitions: counter(
    "leadership_transitions_total",
    "Changes of the leader this process observed (including itself)",
    ["backend"],
  ),
  acquisitions: counter(
    "leadership_acquisitions_total",
    "Times this process acquired the leader lock",
    ["backend"],
  ),
  losses: counter(
    "leadership_losses_total",
    "Times this process stopped leading other than by a requested stop",
    ["backend", "reason"],
  ),
  failedAttempts: counter(
    "leadership_failed_attempts_total",
    "Acquisition attempts that did not get the lock (held elsewhere, or a storage error)",
    ["backend"],
  ),
  // The predecessor's histogram of finished terms (same buckets: 10 s to about 1.4 h)...
  leadershipDuration: histogram(
    "leadership_duration_seconds",
    "Length of each finished leadership term of this process",
    ["backend"],
    Array.from({ length: 10 }, (_, i) => 10 * 2 ** i),
  ),
  // ...and the running term, which a histogram only shows once it ends.
  leadershipCurrentDuration: gauge(
    "leadership_current_duration_seconds",
    "How long this process has been leading without interruption (0 when not leading)",
    ["backend"],
  ),
  lastTransition: gauge(
    "last_leader_transition_timestamp_seconds",
    "Unix time of this process's last change between leading and not leading",
    ["backend"],
  ),
  failovers: counter(
    "failover_total",
    "Acquisitions by this process that took over from a different previous holder",
    ["backend"],
  ),
  failoverDuration: histogram(
    "failover_duration_seconds",
    "Previous holder's last renewal to this acquisition, both as recorded by the storage",
    ["backend"],
    FAILOVER_BUCKETS,
  ),
  failoverErrors: counter(
    "failover_errors_total",
    "Acquisition attempts that failed with a storage error (not a lost race)",
    ["backend"],
  ),
  dbOperations: counter("db_operations_total", "Leader-lock storage operations", [
    "operation",
    "backend",
  ]),
  dbErrors: counter("db_errors_total", "Leader-lock storage operations that failed", [
    "operation",
    "error_type",
    "backend",
  ]),
  dbLatency: histogram(
    "db_latency_seconds",
    "Latency of leader-lock storage operations",
    ["operation", "backend"],
    LATENCY_BUCKETS,
  ),
  dbLockTtl: gauge(
    "db_lock_ttl_seconds",
    "Lease length of the lock this process last acquired or renewed (expiresAt - renewedAt)",
    ["backend"],
  ),
  redisOperations: counter("redis_operations_total", "Leader-lock operations sent to Redis", [
    "operation",
  ]),
  fencingRejections: counter(
    "fencing_rejections_total",
    "Writes refused by the fence: by this process (it no longer leads, or a newer epoch owns the object) or by the API server's fence policy",
    ["backend", "source"],
  ),
};

/** Reasons elector.ts gives leadership_losses_total (all but "stopped", which is not a loss). */
const LOSS_REASONS = ["renew-deadline", "lost", "superseded"];

/**
 * Zero series for the label-free-in-the-predecessor counters, so rate() and increase() work from the
 * first scrape instead of after the first event (the predecessor's counters started at 0).
 */
export function zeroCounters(backend: string): void {
  for (const c of [
    metrics.transitions,
    metrics.acquisitions,
    metrics.failedAttempts,
    metrics.failovers,
    metrics.failoverErrors,
  ]) {
    c.inc({ backend }, 0);
  }
  for (const reason of LOSS_REASONS) metrics.losses.inc({ backend, reason }, 0);
  for (const source of ["operator", "apiserver"]) {
    metrics.fencingRejections.inc({ backend, source }, 0);
  }
}
