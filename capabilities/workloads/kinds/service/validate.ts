// A WorkloadService's CRD rules again (config-file workloads skip the API server).
import type { WorkloadServiceSpec } from "../../crd/types";
import { checkEnum, checkReplicated, type Problems } from "../../controllers/common/validate-spec";
import { SERVICE_STRATEGIES } from "./schema";

export function validateService(s: WorkloadServiceSpec): Problems {
  const problems: Problems = [];
  checkReplicated(s, problems);
  checkEnum(problems, "strategy", s.strategy, SERVICE_STRATEGIES);
  return problems;
}
