// WorkloadService: a Deployment (Recreate by default) plus a ClusterIP Service when it has ports.
// Everything the operator knows about the kind, in one definition.
import {
  REPLICATED_COLUMNS,
  replicatedSpecProperties,
  replicatedSpecRules,
} from "../../crd/schema/replicated-fields";
import { replicatedChildren } from "../../controllers/common/replicated-status";
import { defineKind } from "../define";
import { serviceNames } from "./names";
import { serviceReconcile } from "./reconcile";
import { serviceSpecProperties } from "./schema";
import { serviceVerdict } from "./status";
import { validateService } from "./validate";

export const serviceKind = defineKind({
  names: serviceNames,
  crd: {
    description:
      "A singleton service: a Deployment (Recreate) plus a ClusterIP Service, run only where Highlander leads.",
    maxNameLength: 63,
    namesAService: true,
    required: ["replicas"],
    properties: () => ({ ...replicatedSpecProperties(), ...serviceSpecProperties() }),
    rules: replicatedSpecRules,
    columns: REPLICATED_COLUMNS,
  },
  example: { image: "nginx", replicas: 1 },
  validate: validateService,
  ...serviceReconcile,
  verdict: serviceVerdict,
  children: (name, status) => replicatedChildren("Deployment", name, status),
});
