import { describe, expect, it } from "vitest";
import {
  crdProblemMessage,
  crdProblems,
  crdName,
  INSTALL_CRDS_COMMAND,
  type InstalledCrd,
} from "./check";
import { buildCrd } from "./schema/crd-manifests";

// The shape of k8-highlander's CRDs (c0e9602): config/highlander-crds.yaml's WorkloadProcess, trimmed
// to what the check reads (its columns are Image and Age; its schema has only `spec`; no
// subresources). pkg/common/crd_registry.go writes the same shape at its start, without columns.
const PREDECESSOR_FILE: InstalledCrd = {
  metadata: { name: "workloadprocesses.highlander.plexobject.io" },
  spec: {
    group: "highlander.plexobject.io",
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { properties: { spec: { type: "object" } } } },
        additionalPrinterColumns: [{ name: "Image" }, { name: "Age" }],
      },
    ],
  },
};

const PREDECESSOR_REWRITE: InstalledCrd = {
  ...PREDECESSOR_FILE,
  spec: {
    ...PREDECESSOR_FILE.spec,
    versions: [{ ...PREDECESSOR_FILE.spec!.versions![0]!, additionalPrinterColumns: undefined }],
  },
};

describe("crdProblems", () => {
  it("accepts ours, for every kind", () => {
    for (const type of ["process", "cronjob", "service", "persistent"] as const) {
      expect(crdProblems(buildCrd(type))).toEqual([]);
      expect(buildCrd(type).metadata.name).toBe(crdName(type));
    }
  });

  it("names what the predecessor's file and its rewrite lack", () => {
    const expected = [
      "no status subresource (every status write fails with 404)",
      "no Active/Healthy printer columns",
      "no status schema (status fields would be pruned)",
    ];
    expect(crdProblems(PREDECESSOR_FILE)).toEqual(expected);
    expect(crdProblems(PREDECESSOR_REWRITE)).toEqual(expected);
  });

  it("reports a missing CRD, a foreign group and a missing v1", () => {
    expect(crdProblems(undefined)).toEqual(["not installed"]);
    expect(crdProblems({ spec: { group: "example.com", versions: [] } })).toEqual([
      "group example.com, not highlander.plexobject.io",
    ]);
    expect(crdProblems({ spec: { group: "highlander.plexobject.io", versions: [] } })).toEqual([
      "no v1 version",
    ]);
  });

  it("ours with only the subresource removed is still caught", () => {
    const crd = buildCrd("cronjob") as InstalledCrd;
    const v = crd.spec!.versions![0]!;
    expect(
      crdProblems({ ...crd, spec: { ...crd.spec, versions: [{ ...v, subresources: {} }] } }),
    ).toEqual(["no status subresource (every status write fails with 404)"]);
  });
});

describe("crdProblemMessage", () => {
  it("is silent when all are ours", () => {
    expect(crdProblemMessage([{ name: crdName("process"), problems: [] }])).toBeUndefined();
  });

  it("names the CRDs, says they look like the predecessor's and gives the install command", () => {
    const message = crdProblemMessage([
      { name: crdName("process"), problems: crdProblems(PREDECESSOR_FILE) },
      { name: crdName("cronjob"), problems: [] },
    ]);
    expect(message).toContain("workloadprocesses.highlander.plexobject.io (no status subresource");
    expect(message).not.toContain("workloadcronjobs");
    expect(message).toContain("k8-highlander");
    expect(message).toContain("stop k8-highlander first");
    expect(message).toContain(INSTALL_CRDS_COMMAND);
  });
});
