// WorkloadCronJob: one batch/v1 Job per schedule tick, never two. Everything the operator knows about
// the kind, in one definition.
import { defineKind } from "../define";
import { cronjobNames } from "./names";
import { convergeCron, observeCron, stopCron } from "./reconcile";
import { CRON_COLUMNS, cronSpecProperties } from "./schema";
import { cronChildren, cronVerdict } from "./status";
import { validateCron } from "./validate";

export const cronjobKind = defineKind({
  names: cronjobNames,
  crd: {
    description:
      "A singleton cron job: the leading Highlander controller creates one Job per schedule tick.",
    // `<name>-<10-digit tick>` must fit 63.
    maxNameLength: 52,
    namesAService: false,
    required: ["schedule"],
    properties: cronSpecProperties,
    rules: () => [],
    columns: CRON_COLUMNS,
  },
  example: { image: "busybox", schedule: "*/5 * * * *" },
  validate: validateCron,
  observe: observeCron,
  converge: convergeCron,
  keepStopped: stopCron,
  verdict: cronVerdict,
  children: cronChildren,
});
