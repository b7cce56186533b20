// Shared fixtures for the controllers' unit tests (not used by production code).
import type { WorkloadObject } from "../../crd/types";
import type { BuildContext } from "./context";

export const CTX: BuildContext = { tenant: "team-a" };

export function cr<S>(
  kind: string,
  name: string,
  spec: S,
  extra: { generation?: number } = {},
): WorkloadObject<S> {
  return {
    apiVersion: "highlander.plexobject.io/v1",
    kind,
    metadata: {
      name,
      namespace: "apps",
      uid: `uid-${name}`,
      generation: extra.generation ?? 1,
    },
    spec,
  };
}
