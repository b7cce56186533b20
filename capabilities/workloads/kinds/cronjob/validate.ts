// A WorkloadCronJob's schedule and time zone in full (beyond what CEL can check), and its CRD rules
// again (config-file workloads skip the API server).
import type { WorkloadCronJobSpec } from "../../crd/types";
import {
  RESTART_POLICIES,
  checkEnum,
  checkInt,
  type Problems,
} from "../../controllers/common/validate-spec";
import { scheduleProblems } from "./schedule";
import { CONCURRENCY_POLICIES } from "./schema";

export function validateCron(s: WorkloadCronJobSpec): Problems {
  const problems: Problems = [...scheduleProblems(s)];
  checkEnum(problems, "restartPolicy", s.restartPolicy, RESTART_POLICIES);
  checkEnum(problems, "concurrencyPolicy", s.concurrencyPolicy, CONCURRENCY_POLICIES);
  checkInt(problems, "startingDeadlineSeconds", s.startingDeadlineSeconds, 0);
  checkInt(problems, "successfulJobsHistoryLimit", s.successfulJobsHistoryLimit, 0);
  checkInt(problems, "failedJobsHistoryLimit", s.failedJobsHistoryLimit, 0);
  checkInt(problems, "backoffLimit", s.backoffLimit, 0);
  checkInt(problems, "activeDeadlineSeconds", s.activeDeadlineSeconds, 1);
  return problems;
}
