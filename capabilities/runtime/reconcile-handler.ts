// What the manager runs for each key: one reconcile of one workload with a fresh context (the writer
// of the mode it acts in), measured and counted, its error recorded for the dashboard, and each kind
// of failure answered as it should be: a fence refusal is logged, recorded as an event on the resource
// and retried; losing leadership mid-reconcile is not an error of the workload; anything else is
// logged and retried.
import {
  countWorkloadError,
  countWorkloadRetrySuccess,
  recordReconcile,
  workloadErrorType,
} from "../metrics";
import type { Logger } from "../logging";
import { FencedError, NotLeaderError } from "../../storage/guard";
import { API_VERSION, typeOfKind, type WorkloadKindName } from "../workloads/crd/kinds";
import { reconcileWorkload } from "../workloads/reconcilers/reconcile";
import type { ReconcileContext } from "../workloads/reconcilers/context";
import type { EventSink } from "./events";
import type { KubeClient } from "./kube-client";
import type { LeaderInfo } from "./leadership";
import { keyOf, type Reconcile } from "./manager";
import type { WorkQueue } from "./queue";
import { metricRefOf } from "./workload-metric-ref";
import type { WorkloadTracker } from "./workload-tracker";
import { FenceRefusedError, type GuardedWriter } from "./writer";

interface ReconcileHandlerOptions {
  /** Reads: the watch-fed cache where it can answer, the API server where it cannot. */
  client: Pick<KubeClient, "get" | "list">;
  /** The writer of each mode: a leader's term, or a standby cluster's keeper. */
  writers: { active: GuardedWriter; standby: GuardedWriter };
  events: EventSink;
  tracker: Pick<WorkloadTracker, "recordError">;
  queue: Pick<WorkQueue, "failures">;
  tenant: string;
  cluster: string;
  leader: () => LeaderInfo | undefined;
  /** The API server's time (cron ticks follow the cluster's clock, not this replica's). */
  now: () => Date;
  log: Logger;
}

export function reconcileHandler(opts: ReconcileHandlerOptions): Reconcile {
  const { tracker, queue, log } = opts;
  return async (key, mode, failures) => {
    const started = performance.now();
    const rc: ReconcileContext = {
      client: opts.client,
      writer: mode === "active" ? opts.writers.active : opts.writers.standby,
      events: opts.events,
      mode,
      tenant: opts.tenant,
      cluster: opts.cluster,
      leader: opts.leader(),
      now: opts.now(),
      failures,
    };
    const kind = typeOfKind(key.kind as WorkloadKindName);
    try {
      const result = await reconcileWorkload(key, rc);
      tracker.recordError(key, null);
      // The queue forgets a key's failures only once this handler returns.
      if (queue.failures(keyOf(key)) > 0) countWorkloadRetrySuccess(metricRefOf(key));
      log.debug(
        {
          resource: key,
          mode,
          ms: Math.round(performance.now() - started),
          requeueAfterMs: result?.requeueAfterMs,
        },
        "reconciled",
      );
      recordReconcile(
        kind,
        result?.requeueAfterMs !== undefined ? "requeue" : "success",
        (performance.now() - started) / 1000,
      );
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      tracker.recordError(key, message);
      recordReconcile(kind, "error", (performance.now() - started) / 1000);
      if (!(err instanceof NotLeaderError))
        countWorkloadError(metricRefOf(key), workloadErrorType(err));
      // A stale stamp refused by the fence while we still think we lead is an error to see and
      // retry (the leadership reads the fence again and resigns if a newer term holds it).
      if (err instanceof FenceRefusedError || err instanceof FencedError) {
        log.warn({ resource: key, err: message }, "write refused by the fence; retrying");
        // On the resource too (kubectl describe). Written through the writer like any other write:
        // it lands only if we still hold the fence; a stale replica's event is refused as well.
        void opts.events.record(
          {
            apiVersion: API_VERSION,
            kind: key.kind,
            metadata: { name: key.name, namespace: key.namespace },
          },
          "Warning",
          "WriteRefusedByFence",
          message,
        );
        throw err;
      }
      // Losing leadership mid-reconcile is expected, not an error of the workload.
      if (err instanceof NotLeaderError) {
        log.info({ resource: key, reason: message }, "write refused: not acting any more");
        return;
      }
      log.error({ resource: key, err: message }, "reconcile failed");
      throw err;
    }
  };
}
