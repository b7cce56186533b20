import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config";
import { applyConfigWorkloads, checkConfigWorkloads } from "./config-workloads";

function resolve(yaml: string, env: Record<string, string> = {}) {
  return resolveConfig({
    argv: ["--config", "/c.yaml"],
    env,
    hostname: "h",
    readFile: p => {
      if (p !== "/c.yaml") throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
      return yaml;
    },
  });
}

describe("predecessor config compatibility", () => {
  it("accepts workloadCRDRef entries and applies nothing for them", async () => {
    const r = resolve(`
namespace: apps
workloads:
  processes:
    - name: crd-process
      workloadCRDRef:
        apiVersion: highlander.plexobject.io/v1
        kind: WorkloadProcess
        name: sample-process
`);
    expect(r.problems).toEqual([]);
    expect(r.config?.workloads[0].ref).toEqual({
      apiVersion: "highlander.plexobject.io/v1",
      kind: "WorkloadProcess",
      name: "sample-process",
      namespace: "apps",
    });
    const applied: unknown[] = [];
    await applyConfigWorkloads(r.config!, {
      apply: async (o: unknown) => void applied.push(o),
    } as never);
    expect(applied).toEqual([]);
  });

  it("reports every bad workloadCRDRef field with its path", () => {
    const r = resolve(`
workloads:
  services:
    - name: s
      workloadCRDRef: { apiVersion: v9, kind: WorkloadProcess, name: "Bad_Name" }
`);
    expect(r.problems).toEqual([
      expect.stringContaining("workloads.services[0].workloadCRDRef.apiVersion"),
      expect.stringContaining("workloads.services[0].workloadCRDRef.kind"),
      expect.stringContaining("workloads.services[0].workloadCRDRef.name"),
    ]);
  });

  it("checks every entry's spec at load and reports every problem with its path", () => {
    const r = resolve(`
workloads:
  processes:
    - { name: a, image: busybox, restartPolicy: Sometimes }
  cronJobs:
    - { name: b, image: busybox, schedule: "not a cron" }
`);
    const { problems } = checkConfigWorkloads(r.config!.workloads);
    expect(problems.some(p => p.startsWith("workloads.processes[0].restartPolicy"))).toBe(true);
    expect(problems.some(p => p.startsWith("workloads.cronJobs[0]."))).toBe(true);
  });

  it("accepts conflicting fields with a warning: script and gracePeriod take precedence", () => {
    const r = resolve(`
workloads:
  processes:
    - name: a
      image: busybox
      script: { commands: ["echo hi"] }
      command: ["sleep"]
      args: ["1"]
      gracePeriod: 10s
      terminationGracePeriod: 30s
`);
    const { problems, warnings } = checkConfigWorkloads(r.config!.workloads);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      "workloads.processes[0]: script and command/args both set: script is used, command/args ignored",
      "workloads.processes[0]: gracePeriod and terminationGracePeriod both set: gracePeriod is used, terminationGracePeriod ignored",
    ]);
  });

  it("honours HIGHLANDER_CONFIG_FILE and warns about the predecessor's unsupported variables", () => {
    const r = resolveConfig({
      argv: [],
      env: {
        HIGHLANDER_CONFIG_FILE: "/old.yaml",
        HIGHLANDER_METRICS_PORT: "9090",
        HIGHLANDER_LOG_FORMAT: "text",
      },
      hostname: "h",
      readFile: p => {
        if (p === "/old.yaml") return "tenant: t1\n";
        throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
      },
    });
    expect(r.problems).toEqual([]);
    expect(r.config?.tenant).toBe("t1");
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^HIGHLANDER_METRICS_PORT: ignored: metrics are served at \/metrics/),
        expect.stringMatching(/^HIGHLANDER_LOG_FORMAT: ignored/),
      ]),
    );
  });
});
