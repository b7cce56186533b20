import { describe, expect, it } from "vitest";
import { kubeClientImports } from "./kube-client-imports";

describe("kubeClientImports", () => {
  it("collects value imports, without types or aliases", () => {
    const sources = [
      'import { KubeConfig } from "@kubernetes/client-node";',
      `import {\n  CoordinationV1Api,\n  KubeConfig,\n  V1MicroTime as Micro,\n  type V1Lease,\n} from "@kubernetes/client-node";`,
      'import type { V1Pod } from "@kubernetes/client-node";',
      'import { other } from "yaml";',
    ];
    expect(kubeClientImports(sources)).toEqual(["CoordinationV1Api", "KubeConfig", "V1MicroTime"]);
  });

  it("refuses a namespace import, whose names it cannot know", () => {
    expect(() => kubeClientImports(['import * as k8s from "@kubernetes/client-node";'])).toThrow(
      "namespace import",
    );
  });
});
