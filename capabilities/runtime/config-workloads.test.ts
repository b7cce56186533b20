import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config";
import { kindNamed } from "../workloads/kinds/registry";
import { configWorkloadResource, keepFixedFields, specFromConfigEntry } from "./config-workloads";

describe("config-file workloads", () => {
  it("turn the predecessor's sample into a valid, tenant-labelled WorkloadProcess", () => {
    const file = join(import.meta.dirname, "..", "config", "fixtures", "predecessor-readme.yaml");
    const { config } = loadConfig({
      argv: ["--config", file],
      env: {},
      readFile: p => readFileSync(p, "utf8"),
      hostname: "h",
    });
    expect(config.workloads).toHaveLength(1);
    const resource = configWorkloadResource(config.workloads[0], config.tenant);
    expect(resource).toMatchObject({
      apiVersion: "highlander.plexobject.io/v1",
      kind: "WorkloadProcess",
      metadata: {
        name: "singleton-processor",
        namespace: "default",
        labels: { "highlander.plexobject.io/tenant": "default" },
      },
      spec: { image: "busybox:latest", restartPolicy: "Never" },
    });
    expect(kindNamed("WorkloadProcess").validateSpec(resource.spec)).toEqual([]);
  });

  it("map the predecessor's labels, annotations and terminationGracePeriod onto the CRD's fields", () => {
    expect(
      specFromConfigEntry({
        image: "x",
        labels: { a: "1" },
        annotations: { b: "2" },
        terminationGracePeriod: "1m30s",
      }),
    ).toEqual({
      image: "x",
      podLabels: { a: "1" },
      podAnnotations: { b: "2" },
      terminationGracePeriodSeconds: 90,
      predecessorNames: true,
    });
  });

  it("keep predecessorNames of a workload that exists (fixed at creation), else the config's", () => {
    const desired = {
      apiVersion: "highlander.plexobject.io/v1",
      kind: "WorkloadProcess",
      metadata: { name: "p", namespace: "default" },
      spec: { image: "x", predecessorNames: true },
    };
    expect(keepFixedFields(desired, undefined)).toBe(desired);
    expect(keepFixedFields(desired, { ...desired, spec: { image: "x" } }).spec).toEqual({
      image: "x",
    });
    expect(
      keepFixedFields(desired, { ...desired, spec: { image: "x", predecessorNames: false } }).spec,
    ).toEqual({ image: "x", predecessorNames: false });
  });

  it("give config-file workloads the predecessor's pod name and labels unless the entry says no", () => {
    expect(specFromConfigEntry({ image: "x" }).predecessorNames).toBe(true);
    expect(specFromConfigEntry({ image: "x", predecessorNames: false }).predecessorNames).toBe(
      false,
    );
  });
});
