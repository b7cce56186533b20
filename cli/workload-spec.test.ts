import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "./args";
import { CREATE_FLAGS, resolveType, workloadFromFlags } from "./workload-spec";

const BOOLEANS = new Set(["dry-run", "all-namespaces", "help"]);
const parse = (argv: string[]) => parseArgs(argv, BOOLEANS);

describe("parseArgs", () => {
  it("reads --flag value, --flag=value, repeats, booleans, -n and everything after --", () => {
    const args = parse([
      "x",
      "--image",
      "busybox",
      "--env=A=1",
      "--env",
      "B=2",
      "--dry-run",
      "-n",
      "ns",
      "--",
      "sleep",
      "--x",
    ]);
    expect(args.positionals).toEqual(["x"]);
    expect(args.flags.get("image")).toEqual(["busybox"]);
    expect(args.flags.get("env")).toEqual(["A=1", "B=2"]);
    expect(args.flags.get("dry-run")).toEqual(["true"]);
    expect(args.flags.get("namespace")).toEqual(["ns"]);
    expect(args.rest).toEqual(["sleep", "--x"]);
  });

  it("fails on a flag without value and on unknown short options", () => {
    expect(() => parse(["--image"])).toThrow(/--image needs a value/);
    expect(() => parse(["-z"])).toThrow(UsageError);
  });
});

describe("resolveType", () => {
  it("accepts types, kinds, plurals and the predecessor's short names", () => {
    expect(resolveType("cronjob")).toBe("cronjob");
    expect(resolveType("WorkloadCronJob")).toBe("cronjob");
    expect(resolveType("wcron")).toBe("cronjob");
    expect(resolveType("wlper")).toBe("persistent");
    expect(resolveType("workloadservices")).toBe("service");
    expect(() => resolveType("daemonset")).toThrow(/unknown workload kind/);
  });
});

describe("workloadFromFlags", () => {
  it("builds the predecessor's create-cronjob resource", () => {
    const args = parse([
      "--name", "sample-cronjob", "--namespace", "default", "--image", "busybox:latest", "--shell", "/bin/sh",
      "--script", "echo hi", "--script", "sleep 15", "--schedule", "*/5 * * * *", "--restart-policy", "OnFailure",
      "--cpu-request", "50m", "--memory-request", "32Mi", "--cpu-limit", "100m", "--memory-limit", "64Mi",
    ]); // prettier-ignore
    expect(workloadFromFlags("cronjob", args)).toEqual({
      apiVersion: "highlander.plexobject.io/v1",
      kind: "WorkloadCronJob",
      metadata: { name: "sample-cronjob", namespace: "default" },
      spec: {
        image: "busybox:latest",
        script: { commands: ["echo hi", "sleep 15"], shell: "/bin/sh" },
        schedule: "*/5 * * * *",
        restartPolicy: "OnFailure",
        resources: {
          cpuRequest: "50m",
          memoryRequest: "32Mi",
          cpuLimit: "100m",
          memoryLimit: "64Mi",
        },
      },
    });
  });

  it("builds services and persistent sets with ports and volumes, and labels the tenant", () => {
    const svc = workloadFromFlags(
      "service",
      parse([
        "web",
        "--image",
        "nginx",
        "--replicas",
        "2",
        "--port",
        "http:8080:80",
        "--tenant",
        "blue",
      ]),
    );
    expect(svc.spec).toEqual({
      image: "nginx",
      replicas: 2,
      ports: [{ name: "http", containerPort: 8080, servicePort: 80 }],
    });
    expect(svc.metadata.labels).toEqual({ "highlander.plexobject.io/tenant": "blue" });
    const db = workloadFromFlags(
      "persistent",
      parse([
        "db",
        "--image",
        "postgres",
        "--replicas",
        "1",
        "--volume",
        "data:/var/lib/pg:1Gi:fast",
      ]),
    );
    expect(db.spec.persistentVolumes).toEqual([
      { name: "data", mountPath: "/var/lib/pg", size: "1Gi", storageClassName: "fast" },
    ]);
  });

  it("refuses missing required fields, misplaced flags and typos with a clear message", () => {
    expect(() => workloadFromFlags("process", parse(["--image", "x"]))).toThrow(
      /a name is required/,
    );
    expect(() => workloadFromFlags("process", parse(["p"]))).toThrow(/--image is required/);
    expect(() => workloadFromFlags("service", parse(["s", "--image", "x"]))).toThrow(
      /--replicas is required/,
    );
    expect(() =>
      workloadFromFlags(
        "service",
        parse(["s", "--image", "x", "--replicas", "1", "--restart-policy", "Never"]),
      ),
    ).toThrow(/does not apply/);
    expect(() => workloadFromFlags("process", parse(["p", "--image", "x", "--imag", "y"]))).toThrow(
      /unknown option: --imag/,
    );
    expect(() =>
      workloadFromFlags("process", parse(["p", "--image", "x", "--script", "a", "--command", "b"])),
    ).toThrow(/either --script or --command/);
    expect(CREATE_FLAGS).toContain("schedule");
  });
});
