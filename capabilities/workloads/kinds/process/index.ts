// WorkloadProcess: exactly one Pod, named after the workload, restarted by the controller within
// maxRestarts. Everything the operator knows about the kind, in one definition.
import { defineKind } from "../define";
import { processNames } from "./names";
import { convergeProcess, observeProcess, stopProcess } from "./reconcile";
import { PROCESS_COLUMNS, processSpecProperties, processSpecRules } from "./schema";
import { processChildren, processVerdict } from "./status";
import { validateProcess } from "./validate";

export const processKind = defineKind({
  names: processNames,
  crd: {
    description:
      "A singleton process: exactly one pod, run by the leading Highlander controller and restarted within maxRestarts.",
    maxNameLength: 63,
    namesAService: false,
    required: [],
    properties: processSpecProperties,
    rules: processSpecRules,
    columns: PROCESS_COLUMNS,
  },
  example: { image: "busybox" },
  validate: validateProcess,
  observe: observeProcess,
  converge: convergeProcess,
  keepStopped: stopProcess,
  verdict: processVerdict,
  children: processChildren,
});
