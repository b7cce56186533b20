// A WorkloadPersistent's CRD rules again (config-file workloads skip the API server).
import type { WorkloadPersistentSpec } from "../../crd/types";
import { checkReplicated, type Problems } from "../../controllers/common/validate-spec";
import { isQuantity } from "../../controllers/common/resources";

export function validatePersistent(s: WorkloadPersistentSpec): Problems {
  const problems: Problems = [];
  checkReplicated(s, problems);
  for (const [i, v] of (s.persistentVolumes ?? []).entries()) {
    if (!v?.name) problems.push(`persistentVolumes[${i}].name is required`);
    if (typeof v?.mountPath !== "string" || !v.mountPath.startsWith("/")) {
      problems.push(`persistentVolumes[${i}].mountPath must be an absolute path`);
    }
    if (typeof v?.size !== "string" || !isQuantity(v.size)) {
      problems.push(`persistentVolumes[${i}].size must be a quantity such as 1Gi`);
    }
  }
  if (s.serviceName !== undefined && s.serviceName.endsWith("-ports")) {
    problems.push("serviceName must not end in -ports (reserved for the ports Service)");
  }
  return problems;
}
