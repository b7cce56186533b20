// A WorkloadCronJob's own spec fields, defaults and printer columns. The defaults are written once:
// the CRD's `default:` and the controller's fallbacks both read CRON_DEFAULTS.
import type {
  CommonSpec,
  ConcurrencyPolicy,
  RestartPolicy,
  WorkloadCronJobSpec,
} from "../../crd/types";
import { int, restartPolicy, str } from "../../crd/schema/common-fields";
import { AGE, COMMON_COLUMNS, LEADER, MESSAGE } from "../../crd/schema/columns";
import type { PrinterColumn, SchemaFor } from "../../crd/schema/json-schema";

export const CONCURRENCY_POLICIES: readonly ConcurrencyPolicy[] = ["Allow", "Forbid", "Replace"];

export const CRON_DEFAULTS: Readonly<{
  concurrencyPolicy: ConcurrencyPolicy;
  successfulJobsHistoryLimit: number;
  failedJobsHistoryLimit: number;
  restartPolicy: RestartPolicy;
}> = {
  concurrencyPolicy: "Forbid",
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 1,
  restartPolicy: "OnFailure",
};

export function cronSpecProperties(): SchemaFor<Omit<WorkloadCronJobSpec, keyof CommonSpec>> {
  return {
    schedule: str(
      "Cron schedule: 5 fields (minute hour day-of-month month day-of-week), 6 fields with " +
        "seconds first (ticks by the second), or a macro such as @hourly. The full expression is " +
        "checked by the controller.",
      {
        minLength: 1,
        maxLength: 256,
        "x-kubernetes-validations": [
          {
            rule: "self.matches('^\\\\s*(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\\\S+(\\\\s+\\\\S+){4,5})\\\\s*$')",
            message:
              "schedule must be a cron expression with 5 fields (minute hour day-of-month month " +
              "day-of-week), e.g. '*/5 * * * *', 6 fields with seconds first, e.g. " +
              "'*/10 * * * * *', or a macro such as @hourly",
          },
          {
            rule: "!self.contains('TZ=')",
            message: "put the time zone in spec.timeZone, not in the schedule",
          },
        ],
      },
    ),
    timeZone: str("IANA time zone name for the schedule, e.g. Europe/Berlin (default UTC).", {
      minLength: 1,
      maxLength: 64,
    }),
    concurrencyPolicy: str("What to do when a run is due while the previous one still runs.", {
      enum: [...CONCURRENCY_POLICIES],
      default: CRON_DEFAULTS.concurrencyPolicy,
    }),
    suspend: { type: "boolean", description: "Stop scheduling new runs.", default: false },
    startingDeadlineSeconds: {
      type: "integer",
      format: "int64",
      minimum: 0,
      description: "A run that could not start within this many seconds of its time is skipped.",
    },
    successfulJobsHistoryLimit: int("Finished successful Jobs to keep.", {
      minimum: 0,
      default: CRON_DEFAULTS.successfulJobsHistoryLimit,
    }),
    failedJobsHistoryLimit: int("Failed Jobs to keep.", {
      minimum: 0,
      default: CRON_DEFAULTS.failedJobsHistoryLimit,
    }),
    backoffLimit: int("Pod retries within one Job run (Job backoffLimit).", { minimum: 0 }),
    activeDeadlineSeconds: {
      type: "integer",
      format: "int64",
      minimum: 1,
      description: "A run still going after this many seconds is stopped and marked failed.",
    },
    restartPolicy: restartPolicy(
      CRON_DEFAULTS.restartPolicy,
      "Job pods cannot use Always: it is treated as OnFailure.",
    ),
  };
}

export const CRON_COLUMNS: readonly PrinterColumn[] = [
  ...COMMON_COLUMNS,
  { name: "Schedule", type: "string", jsonPath: ".spec.schedule" },
  { name: "Last Schedule", type: "date", jsonPath: ".status.lastScheduleTime" },
  // A timestamp, not a "date" column: the API server prints a date column as the age of the time
  // (`5m`), and a future time as `<invalid>` (checked in e2e/crds.e2e.test.ts).
  {
    name: "Next",
    type: "string",
    format: "date-time",
    jsonPath: ".status.nextScheduleTime",
    description: "The next scheduled run (RFC 3339)",
  },
  AGE,
  { name: "Suspend", type: "boolean", jsonPath: ".spec.suspend", priority: 1 },
  LEADER,
  MESSAGE,
];
