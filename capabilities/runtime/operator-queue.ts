// The operator's work queue: its concurrency, the cron jobs' short retry cap, and its metrics.
import {
  countWorkloadRetry,
  countWorkqueueAdd,
  countWorkqueueRetry,
  observeQueueWait,
  observeWork,
  reportLongestRunning,
  setWorkqueueDepth,
} from "../metrics";
import type { Logger } from "../logging";
import { parseKey } from "./manager";
import { WorkQueue } from "./queue";
import { metricRefOf } from "./workload-metric-ref";

/** The longest a failed WorkloadCronJob reconcile waits for its retry. */
const CRON_MAX_RETRY_MS = 1000;

/**
 * `clock`: the API server's time, which requeue delays (the next cron tick) are measured on;
 * `sharpenClock`: narrows that estimate, called as a long delay's deadline comes near.
 */
export function createOperatorQueue(
  log: Logger,
  clock: { nowMs(): number; rate(): number },
  sharpenClock?: () => unknown,
): WorkQueue {
  const queue = new WorkQueue({
    now: () => clock.nowMs(),
    nowRate: () => clock.rate(),
    onDeadlineNear: () => void sharpenClock?.(),
    // A reconcile is a few sequential API calls, so a worker mostly waits on the API server: with 4
    // workers 1,000 new workloads took 71 s to become Active, with 16 50-62 s. When 100 cron ticks
    // fall on the same second, 64 workers send their Jobs at once: tick → Job p99 2.0 s instead of
    // 3.7 s with 16 (npm run bench -- scale, docs/benchmarks.md). Reads come from the watch cache, so
    // a worker costs the API server only the writes it has to make. A key never runs on two at once.
    concurrency: 64,
    // A cron job's due tick must get its Job before the next tick replaces it (catch-up runs only the
    // latest): after an outage it is retried every second, not after a back-off of up to a minute.
    maxDelayMsFor: key =>
      parseKey(key).kind === "WorkloadCronJob" ? CRON_MAX_RETRY_MS : undefined,
    onDepth: setWorkqueueDepth,
    onAdd: () => countWorkqueueAdd(),
    onDequeue: waitedMs => observeQueueWait(waitedMs / 1000),
    onDone: workedMs => observeWork(workedMs / 1000),
    onRetry: (key, attempt, delayMs, err) => {
      countWorkqueueRetry();
      countWorkloadRetry(metricRefOf(parseKey(key)));
      // The failure itself was logged once, with its resource, where it happened.
      log.debug(
        { key, attempt, delayMs, err: err instanceof Error ? err.message : String(err) },
        "reconcile failed; retrying",
      );
    },
  });
  reportLongestRunning(() => queue.longestRunningMs() / 1000);
  return queue;
}
