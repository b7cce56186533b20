// What a WorkloadProcess's CRD rules say again (config-file workloads skip the API server).
import type { WorkloadProcessSpec } from "../../crd/types";
import {
  RESTART_POLICIES,
  checkDuration,
  checkEnum,
  checkInt,
  type Problems,
} from "../../controllers/common/validate-spec";

export function validateProcess(s: WorkloadProcessSpec): Problems {
  const problems: Problems = [];
  checkEnum(problems, "restartPolicy", s.restartPolicy, RESTART_POLICIES);
  checkInt(problems, "maxRestarts", s.maxRestarts, 0);
  checkDuration(problems, "gracePeriod", s.gracePeriod);
  if (s.gracePeriod !== undefined && s.terminationGracePeriodSeconds !== undefined) {
    problems.push("set gracePeriod or terminationGracePeriodSeconds, not both");
  }
  return problems;
}
