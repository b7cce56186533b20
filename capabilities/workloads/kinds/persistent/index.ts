// WorkloadPersistent: a StatefulSet with volume claim templates and its headless Service (plus a
// ClusterIP Service for its ports). Everything the operator knows about the kind, in one definition.
import {
  REPLICATED_COLUMNS,
  replicatedSpecProperties,
  replicatedSpecRules,
} from "../../crd/schema/replicated-fields";
import { replicatedChildren } from "../../controllers/common/replicated-status";
import { defineKind } from "../define";
import { persistentNames } from "./names";
import { persistentReconcile } from "./reconcile";
import { persistentSpecProperties, persistentSpecRules } from "./schema";
import { persistentVerdict } from "./status";
import { validatePersistent } from "./validate";

export const persistentKind = defineKind({
  names: persistentNames,
  crd: {
    description:
      "A singleton stateful set: a StatefulSet with volume claim templates and its headless Service.",
    // StatefulSet revision labels and the `<name>-ports` Service must fit 63.
    maxNameLength: 52,
    namesAService: true,
    required: ["replicas"],
    properties: () => ({ ...replicatedSpecProperties(), ...persistentSpecProperties() }),
    rules: () => [...replicatedSpecRules(), ...persistentSpecRules()],
    columns: REPLICATED_COLUMNS,
  },
  example: { image: "postgres", replicas: 1 },
  validate: validatePersistent,
  ...persistentReconcile,
  verdict: persistentVerdict,
  children: (name, status) => replicatedChildren("StatefulSet", name, status),
});
