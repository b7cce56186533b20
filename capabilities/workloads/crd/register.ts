// Registers every workload kind with kubernetes-fluent-client (the registry Pepr's `When(...)` and
// `K8s(...)` read), so `K8s(model)` knows the group, version and plural. fluent-client identifies a
// kind by its model class's name: each kind gets a class named after it.
import { GenericKind, RegisterKind, type GenericClass } from "kubernetes-fluent-client";
import { WORKLOAD_KINDS } from "../kinds/registry";
import { GROUP, VERSION } from "./group";

function modelNamed(kind: string): GenericClass {
  const model = class extends GenericKind {};
  Object.defineProperty(model, "name", { value: kind });
  return model;
}

/** One fluent-client model per kind, in registry order (the watches use them). */
export const WORKLOAD_MODELS: GenericClass[] = WORKLOAD_KINDS.map(k => modelNamed(k.names.kind));

/**
 * Idempotent: registers each kind once per process (fluent-client throws on a second registration of
 * the same class name). Importing this module registers them, as Pepr's `When(Kind)` needs that first.
 */
export function registerWorkloadKinds(): void {
  WORKLOAD_KINDS.forEach(({ names }, i) => {
    try {
      RegisterKind(WORKLOAD_MODELS[i], {
        group: GROUP,
        version: VERSION,
        kind: names.kind,
        plural: names.plural,
      });
    } catch (err) {
      if (!(err instanceof Error && err.message.includes("already registered"))) throw err;
    }
  });
}

registerWorkloadKinds();
