import { describe, expect, it } from "vitest";
import {
  fullCronSpec,
  fullPersistentSpec,
  fullProcessSpec,
  fullServiceSpec,
} from "../../crd/samples";
import { kindOfType } from "../../kinds/registry";

describe("validateSpec", () => {
  it("accepts the full samples and the predecessor's examples", () => {
    expect(kindOfType("process").validateSpec(fullProcessSpec())).toEqual([]);
    expect(kindOfType("cronjob").validateSpec(fullCronSpec())).toEqual([]);
    expect(kindOfType("service").validateSpec(fullServiceSpec())).toEqual([]);
    expect(kindOfType("persistent").validateSpec(fullPersistentSpec())).toEqual([]);
    expect(
      kindOfType("process").validateSpec({
        image: "busybox:latest",
        script: { commands: ["echo 'Starting singleton processor'"], shell: "/bin/sh" },
        resources: { cpuRequest: "100m", memoryRequest: "64Mi" },
        restartPolicy: "Never",
      }),
    ).toEqual([]);
  });

  it("requires a spec and an image", () => {
    expect(kindOfType("process").validateSpec(undefined)).toEqual(["spec is required"]);
    expect(kindOfType("process").validateSpec({ image: "" })).toEqual(["image is required"]);
  });

  it("checks cron expressions and time zones (what the schema cannot)", () => {
    const base = { image: "x", schedule: "*/5 * * * *" };
    expect(kindOfType("cronjob").validateSpec(base)).toEqual([]);
    expect(kindOfType("cronjob").validateSpec({ ...base, schedule: "*/5 * * 13 *" })[0]).toMatch(
      /not valid/,
    );
    expect(kindOfType("cronjob").validateSpec({ ...base, timeZone: "Nowhere/Land" })).toEqual([
      'timeZone "Nowhere/Land" is not a known IANA time zone',
    ]);
    expect(kindOfType("cronjob").validateSpec({ ...base, schedule: "*/5 * * * * *" })).toEqual([]);
    expect(kindOfType("cronjob").validateSpec({ ...base, schedule: "* * * * * * *" })[0]).toMatch(
      /7 fields; expected 5/,
    );
    expect(kindOfType("cronjob").validateSpec({ image: "x" })).toEqual(["schedule is required"]);
  });

  it("reports bad types, enums, ranges and exclusive fields in words", () => {
    const problems = kindOfType("service").validateSpec({
      image: "x",
      replicas: -1,
      ports: [{ containerPort: 70000 }, { containerPort: 70000 }],
      healthCheckPath: "healthz",
      readinessTimeout: "soon",
      script: { commands: ["a"] },
      command: ["b"],
      resources: { cpuRequest: "lots" },
      env: { A: "1" },
      extraEnv: [{ name: "A", value: "2" }],
      podLabels: { "highlander.plexobject.io/kind": "x" },
      strategy: "Blue",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        "replicas must be an integer from 0 up, got -1",
        "ports[0].containerPort must be an integer from 1 to 65535, got 70000",
        "containerPort 70000 is listed twice",
        "healthCheckPath must start with /",
        'readinessTimeout must be a duration such as "30s" or "1m30s", got "soon"',
        "script and command/args are mutually exclusive: use one of them",
        'resources.cpuRequest must be a Kubernetes quantity such as 100m or 64Mi, got "lots"',
        "A is set in both env and extraEnv",
        "podLabels must not use the reserved prefix highlander.plexobject.io/ (highlander.plexobject.io/kind)",
        'strategy must be one of Recreate, RollingUpdate, got "Blue"',
      ]),
    );
  });

  it("checks process and cron specifics", () => {
    expect(
      kindOfType("process").validateSpec({
        image: "x",
        restartPolicy: "Sometimes",
        maxRestarts: -1,
      }),
    ).toEqual([
      'restartPolicy must be one of Always, OnFailure, Never, got "Sometimes"',
      "maxRestarts must be an integer from 0 up, got -1",
    ]);
    expect(
      kindOfType("process").validateSpec({
        image: "x",
        gracePeriod: "30s",
        terminationGracePeriodSeconds: 3,
      }),
    ).toEqual(["set gracePeriod or terminationGracePeriodSeconds, not both"]);
    expect(
      kindOfType("cronjob").validateSpec({
        image: "x",
        schedule: "* * * * *",
        concurrencyPolicy: "Sometimes",
      }),
    ).toEqual(['concurrencyPolicy must be one of Allow, Forbid, Replace, got "Sometimes"']);
  });

  it("cross-checks volume mounts and sidecar names", () => {
    const problems = kindOfType("process").validateSpec({
      image: "x",
      volumeMounts: [{ name: "missing", mountPath: "/m" }],
      sidecars: [
        { name: "main", image: "y" },
        { name: "s", image: "" },
        { name: "s", image: "z", volumeMounts: [{ name: "config-app", mountPath: "/c" }] },
      ],
      configMaps: ["app"],
    });
    expect(problems).toEqual([
      "the main container mounts volume missing, which the workload does not define",
      "sidecar name main is reserved",
      "sidecar s needs an image",
      "sidecar name s is used twice",
    ]);
  });

  it("checks persistent volumes and required replicas", () => {
    expect(
      kindOfType("persistent").validateSpec({
        image: "x",
        persistentVolumes: [{ name: "d", mountPath: "data", size: "big" }],
        serviceName: "db-ports",
      }),
    ).toEqual([
      "replicas is required",
      "persistentVolumes[0].mountPath must be an absolute path",
      "persistentVolumes[0].size must be a quantity such as 1Gi",
      "serviceName must not end in -ports (reserved for the ports Service)",
    ]);
  });
});
