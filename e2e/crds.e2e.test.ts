// The four workload CRDs against the real API server: they install, accept the predecessor's sample and
// fully loaded objects of every kind (with defaults filled in), refuse invalid objects with clear
// messages, print the documented columns, and keep status in its own subresource.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { KINDS, WORKLOAD_TYPES, type WorkloadType } from "../capabilities/workloads/crd/kinds";
import { WORKLOAD_KINDS } from "../capabilities/workloads/kinds/registry";
import {
  fullCronSpec,
  fullPersistentSpec,
  fullProcessSpec,
  fullServiceSpec,
  PREDECESSOR_SAMPLE_CRONJOB_YAML,
} from "../capabilities/workloads/crd/samples";
import { buildJobForTick } from "../capabilities/workloads/kinds/cronjob/build-job";
import {
  buildHeadlessService,
  buildPortsService,
  buildStatefulSet,
} from "../capabilities/workloads/kinds/persistent/build";
import { buildProcessPod } from "../capabilities/workloads/kinds/process/build-pod";
import { buildDeployment, buildService } from "../capabilities/workloads/kinds/service/build";
import { WIDE_PROFILE_LABEL } from "../devenv/lib/workload-policy";
import { kubectl } from "../devenv/controlplane/cluster";

const kubeconfig = inject("kubeconfig");
const ns = `crds-${Date.now().toString(36)}`;
const crdDir = join(import.meta.dirname, "..", "crds");

function k(args: string[], input?: string): string {
  return kubectl(kubeconfig, args, input);
}

/** Applies an object that must be refused, and returns the API server's message. */
function refusal(obj: object): string {
  const json = JSON.stringify(obj);
  try {
    // Client-side apply copies the object into a last-applied annotation, which the API server
    // refuses over 256 KiB on its own: large objects are created instead.
    k([json.length > 100_000 ? "create" : "apply"], json);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`the API server accepted ${json.slice(0, 2000)}`);
}

function resource(type: WorkloadType, name: string, spec: object): object {
  return {
    apiVersion: "highlander.plexobject.io/v1",
    kind: KINDS[type].kind,
    metadata: { name, namespace: ns },
    spec,
  };
}

function getJson(type: WorkloadType, name: string, namespace = ns): Record<string, unknown> {
  return JSON.parse(k(["get", KINDS[type].plural, name, "-n", namespace, "-o", "json"]));
}

const minimal: Record<string, object> = Object.fromEntries(
  WORKLOAD_KINDS.map(kind => [kind.names.type, kind.example]),
);

beforeAll(() => {
  const files = readdirSync(crdDir).filter(f => f.endsWith(".yaml"));
  // The four kinds, plus the fence the API server checks writes against (docs/storage.md).
  expect(files.sort()).toEqual(
    [...WORKLOAD_TYPES.map(t => `${KINDS[t].plural}.yaml`), "highlanderfences.yaml"].sort(),
  );
  k(["apply", "-f", crdDir]);
  for (const type of WORKLOAD_TYPES) {
    k([
      "wait",
      "--for=condition=Established",
      `crd/${KINDS[type].plural}.highlander.plexobject.io`,
      "--timeout=60s",
    ]);
  }
  k(["create", "namespace", ns]);
  // The full samples mount Secrets and name a ServiceAccount: an opted-in namespace, as the workload
  // policy (installed by the deploy e2e on the shared control plane) requires for them.
  k(["label", "namespace", ns, WIDE_PROFILE_LABEL]);
});

afterAll(() => {
  try {
    k(["delete", "workloadcronjob", "sample-cronjob", "-n", "default", "--ignore-not-found"]);
    k(["delete", "namespace", ns, "--wait=false"]);
    k(["delete", "priorityclass", "high", "--ignore-not-found"]);
  } catch {
    // Cleanup only; the throwaway cluster goes away with the run.
  }
});

describe("valid objects", () => {
  it("accepts the predecessor's sample WorkloadCronJob verbatim and fills in defaults", () => {
    k(["apply"], PREDECESSOR_SAMPLE_CRONJOB_YAML);
    const got = getJson("cronjob", "sample-cronjob", "default");
    const sent = parse(PREDECESSOR_SAMPLE_CRONJOB_YAML) as { spec: Record<string, unknown> };
    expect(got.spec).toEqual({
      ...sent.spec,
      concurrencyPolicy: "Forbid",
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
  });

  it.each([
    ["process", fullProcessSpec()],
    ["cronjob", fullCronSpec()],
    ["service", fullServiceSpec()],
    ["persistent", fullPersistentSpec()],
  ] as [WorkloadType, object][])(
    "accepts a %s that sets every field and reads it back",
    (type, spec) => {
      k(["apply"], JSON.stringify(resource(type, `full-${type}`, spec)));
      const got = getJson(type, `full-${type}`) as { spec: Record<string, unknown> };
      expect(got.spec).toMatchObject(JSON.parse(JSON.stringify(spec)));
    },
  );

  it.each(WORKLOAD_TYPES)("accepts a minimal %s, with its defaults", type => {
    k(["apply"], JSON.stringify(resource(type, `min-${type}`, minimal[type])));
    const spec = (getJson(type, `min-${type}`) as { spec: Record<string, unknown> }).spec;
    if (type === "process") expect(spec).toMatchObject({ restartPolicy: "Never", maxRestarts: 5 });
    if (type === "cronjob") expect(spec).toMatchObject({ restartPolicy: "OnFailure" });
    if (type === "service") expect(spec).toMatchObject({ strategy: "Recreate" });
  });

  it("accepts the short names and the highlander category", () => {
    for (const type of WORKLOAD_TYPES) {
      for (const short of KINDS[type].shortNames) {
        expect(k(["get", short, "-n", ns, "-o", "name"])).toContain(`min-${type}`);
      }
    }
    const all = k(["get", "highlander", "-n", ns, "-o", "name"]);
    for (const type of WORKLOAD_TYPES)
      expect(all).toContain(`${KINDS[type].singular}.highlander.plexobject.io/min-${type}`);
  });
});

describe("invalid objects are refused with clear messages", () => {
  const cases: [string, WorkloadType, object, (string | RegExp)[]][] = [
    ["missing image", "process", { restartPolicy: "Never" }, ["spec.image: Required value"]],
    ["empty image", "service", { image: "", replicas: 1 }, ["spec.image", "at least 1 chars long"]],
    ["missing schedule", "cronjob", { image: "x" }, ["spec.schedule: Required value"]],
    ["missing replicas", "service", { image: "x" }, ["spec.replicas: Required value"]],
    [
      "negative replicas",
      "persistent",
      { image: "x", replicas: -1 },
      ["spec.replicas", "greater than or equal to 0"],
    ],
    [
      "replicas of the wrong type",
      "service",
      { image: "x", replicas: "two" },
      ["spec.replicas", "must be of type integer"],
    ],
    [
      "unknown restartPolicy",
      "process",
      { image: "x", restartPolicy: "Sometimes" },
      ['spec.restartPolicy: Unsupported value: "Sometimes"', '"Always", "OnFailure", "Never"'],
    ],
    [
      "negative maxRestarts",
      "process",
      { image: "x", maxRestarts: -1 },
      ["spec.maxRestarts", "greater than or equal to 0"],
    ],
    [
      "bad concurrencyPolicy",
      "cronjob",
      { image: "x", schedule: "* * * * *", concurrencyPolicy: "Sometimes" },
      ['spec.concurrencyPolicy: Unsupported value: "Sometimes"'],
    ],
    [
      "port out of range",
      "service",
      { image: "x", replicas: 1, ports: [{ containerPort: 70000 }] },
      ["spec.ports[0].containerPort", "less than or equal to 65535"],
    ],
    [
      "servicePort zero",
      "service",
      { image: "x", replicas: 1, ports: [{ containerPort: 80, servicePort: 0 }] },
      ["spec.ports[0].servicePort", "greater than or equal to 1"],
    ],
    [
      "duplicate container ports",
      "service",
      {
        image: "x",
        replicas: 1,
        ports: [{ containerPort: 80 }, { containerPort: 80, servicePort: 81 }],
      },
      ["each containerPort may appear only once"],
    ],
    [
      "script and command together",
      "process",
      { image: "x", script: { commands: ["a"] }, command: ["b"] },
      ["script and command/args are mutually exclusive"],
    ],
    [
      "a 4-field schedule",
      "cronjob",
      { image: "x", schedule: "* * * *" },
      ["schedule must be a cron expression with 5 fields"],
    ],
    [
      "a 7-field schedule",
      "cronjob",
      { image: "x", schedule: "0 * * * * * *" },
      ["schedule must be a cron expression with 5 fields"],
    ],
    [
      "a time zone inside the schedule",
      "cronjob",
      { image: "x", schedule: "TZ=UTC * * * * *" },
      ["put the time zone in spec.timeZone"],
    ],
    [
      "a bad quantity",
      "process",
      { image: "x", resources: { cpuRequest: "lots" } },
      ["spec.resources.cpuRequest", "must be a Kubernetes quantity"],
    ],
    [
      "a request above its limit",
      "process",
      { image: "x", resources: { memoryRequest: "1Gi", memoryLimit: "64Mi" } },
      ["memoryRequest must not exceed memoryLimit"],
    ],
    [
      "a bad duration",
      "process",
      { image: "x", gracePeriod: "ten seconds" },
      ["spec.gracePeriod", 'must be a duration such as "30s"'],
    ],
    [
      "gracePeriod with terminationGracePeriodSeconds",
      "process",
      { image: "x", gracePeriod: "5s", terminationGracePeriodSeconds: 5 },
      ["set gracePeriod or terminationGracePeriodSeconds, not both"],
    ],
    [
      "env given as a list (kubectl's strict decoding names the fields)",
      "process",
      { image: "x", env: [{ name: "A", value: "1" }] },
      ['unknown field "spec.env[0].name"'],
    ],
    [
      "a non-string env value",
      "process",
      { image: "x", env: { A: 1 } },
      ["spec.env.A", "must be of type string"],
    ],
    [
      "a name in env and extraEnv",
      "process",
      { image: "x", env: { A: "1" }, extraEnv: [{ name: "A", value: "2" }] },
      ["a variable name may appear in only one of env and extraEnv"],
    ],
    [
      "value with valueFrom",
      "process",
      {
        image: "x",
        extraEnv: [
          { name: "A", value: "1", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        ],
      },
      ["set either value or valueFrom, not both"],
    ],
    [
      "a reserved pod label",
      "service",
      { image: "x", replicas: 1, podLabels: { "highlander.plexobject.io/workload": "other" } },
      ["podLabels must not use the reserved prefix"],
    ],
    [
      "healthCheckPath without a port",
      "service",
      { image: "x", replicas: 1, healthCheckPath: "/healthz" },
      ["healthCheckPath needs healthCheckPort or at least one entry in ports"],
    ],
    [
      "a relative healthCheckPath",
      "service",
      { image: "x", replicas: 1, ports: [{ containerPort: 80 }], healthCheckPath: "healthz" },
      ["spec.healthCheckPath", "must start with /"],
    ],
    [
      "a volume without size",
      "persistent",
      { image: "x", replicas: 1, persistentVolumes: [{ name: "data", mountPath: "/data" }] },
      ["spec.persistentVolumes[0].size: Required value"],
    ],
    [
      "a sidecar named main",
      "process",
      { image: "x", sidecars: [{ name: "main", image: "y" }] },
      ["sidecar name `main` is reserved"],
    ],
    [
      "an unknown field",
      "process",
      { image: "x", imagee: "typo" },
      ['unknown field "spec.imagee"'],
    ],
    // What the API server or the kubelet would refuse only when the operator writes the child (issue 13).
    [
      "an image with a leading blank",
      "process",
      { image: " busybox" },
      ["spec.image", "image must not contain whitespace"],
    ],
    [
      "an upper-case repository",
      "service",
      { image: "ghcr.io/Team/app:V1", replicas: 1 },
      ["spec.image", "image must be an image reference with a lower-case repository path"],
    ],
    [
      "a sidecar image with a blank inside",
      "process",
      { image: "x", sidecars: [{ name: "side", image: "busy box" }] },
      ["spec.sidecars[0].image", "sidecars[].image must not contain whitespace"],
    ],
    [
      "a negative CPU request",
      "process",
      { image: "x", resources: { cpuRequest: "-1" } },
      ["spec.resources.cpuRequest", "cpuRequest must not be negative"],
    ],
    [
      "a negative sidecar memory limit",
      "cronjob",
      {
        image: "x",
        schedule: "* * * * *",
        sidecars: [{ name: "side", image: "y", resources: { memoryLimit: "-64Mi" } }],
      },
      ["spec.sidecars[0].resources.memoryLimit", "memoryLimit must not be negative"],
    ],
    [
      "an env name with '='",
      "process",
      { image: "x", env: { "A=B": "1" } },
      ["spec.env", "env names must be printable ASCII characters other than '='"],
    ],
    [
      "an extraEnv name with a tab",
      "process",
      { image: "x", extraEnv: [{ name: "A\tB", value: "1" }] },
      ["spec.extraEnv[0].name", "extraEnv[].name must be printable ASCII"],
    ],
    [
      "a sidecar env name with '='",
      "service",
      { image: "x", replicas: 1, sidecars: [{ name: "side", image: "y", env: { "X=": "1" } }] },
      ["spec.sidecars[0].env", "sidecars[].env names must be printable ASCII"],
    ],
    [
      "an envFrom prefix with '='",
      "process",
      { image: "x", envFrom: [{ prefix: "P=", configMapRef: { name: "c" } }] },
      ["spec.envFrom[0].prefix", "envFrom[].prefix must be printable ASCII"],
    ],
    [
      "a numeric port name",
      "service",
      { image: "x", replicas: 1, ports: [{ name: "8080", containerPort: 8080 }] },
      ["spec.ports[0].name", "ports[].name must be an IANA service name"],
    ],
    [
      "a port name with '--'",
      "persistent",
      { image: "x", replicas: 1, ports: [{ name: "my--db", containerPort: 5432 }] },
      ["spec.ports[0].name", "ports[].name must be an IANA service name"],
    ],
    [
      "a claim of size 0",
      "persistent",
      {
        image: "x",
        replicas: 1,
        persistentVolumes: [{ name: "data", mountPath: "/data", size: "0" }],
      },
      ["spec.persistentVolumes[0].size", "persistentVolumes[].size must be greater than zero"],
    ],
    [
      "a negative claim size",
      "persistent",
      {
        image: "x",
        replicas: 1,
        persistentVolumes: [{ name: "data", mountPath: "/data", size: "-1Gi" }],
      },
      ["persistentVolumes[].size must be greater than zero"],
    ],
    [
      "a pod label key starting with '-'",
      "service",
      { image: "x", replicas: 1, podLabels: { "-team": "data" } },
      ["spec.podLabels", "podLabels keys must be label keys"],
    ],
    [
      "a pod label value with a blank",
      "process",
      { image: "x", podLabels: { team: "data team" } },
      ["spec.podLabels", "podLabels values must be label values"],
    ],
    [
      "a pod label value of 64 characters",
      "process",
      { image: "x", podLabels: { team: "a".repeat(64) } },
      ["spec.podLabels", "Too long"],
    ],
    [
      "a nodeSelector key with two slashes",
      "cronjob",
      { image: "x", schedule: "* * * * *", nodeSelector: { "a/b/c": "x" } },
      ["spec.nodeSelector", "nodeSelector keys must be label keys"],
    ],
    [
      "a pod annotation key with a blank",
      "process",
      { image: "x", podAnnotations: { "my note": "x" } },
      ["spec.podAnnotations", "podAnnotations keys must be qualified names"],
    ],
    [
      "pod annotations over 255 KiB",
      "process",
      { image: "x", podAnnotations: { a: "x".repeat(140_000), b: "y".repeat(140_000) } },
      ["spec.podAnnotations", "podAnnotations must total at most 255 KiB"],
    ],
    [
      "two mounts at one path",
      "process",
      {
        image: "x",
        volumes: [
          { name: "a", emptyDir: {} },
          { name: "b", emptyDir: {} },
        ],
        volumeMounts: [
          { name: "a", mountPath: "/data" },
          { name: "b", mountPath: "/data" },
        ],
      },
      ["spec.volumeMounts", "volumeMounts: each mountPath may appear only once"],
    ],
    [
      "two sidecar mounts at one path",
      "process",
      {
        image: "x",
        volumes: [{ name: "a", emptyDir: {} }],
        sidecars: [
          {
            name: "side",
            image: "y",
            volumeMounts: [
              { name: "a", mountPath: "/logs" },
              { name: "a", mountPath: "/logs", subPath: "x" },
            ],
          },
        ],
      },
      ["spec.sidecars[0].volumeMounts", "each mountPath may appear only once"],
    ],
    [
      "a mount over a configMaps mount",
      "process",
      {
        image: "x",
        configMaps: ["app-config"],
        volumes: [{ name: "a", emptyDir: {} }],
        volumeMounts: [{ name: "a", mountPath: "/etc/config/app-config" }],
      },
      ["volumeMounts: a mountPath is already used by configMaps"],
    ],
    [
      "a claim mounted where a volume is",
      "persistent",
      {
        image: "x",
        replicas: 1,
        volumes: [{ name: "a", emptyDir: {} }],
        volumeMounts: [{ name: "a", mountPath: "/data" }],
        persistentVolumes: [{ name: "data", mountPath: "/data", size: "1Gi" }],
      },
      ["persistentVolumes[].mountPath must differ from every volumeMounts[].mountPath"],
    ],
    [
      "two claims at one path",
      "persistent",
      {
        image: "x",
        replicas: 1,
        persistentVolumes: [
          { name: "a", mountPath: "/data", size: "1Gi" },
          { name: "b", mountPath: "/data", size: "1Gi" },
        ],
      },
      ["spec.persistentVolumes", "persistentVolumes: each mountPath may appear only once"],
    ],
    [
      "a script over 128 KiB",
      "cronjob",
      {
        image: "x",
        schedule: "* * * * *",
        script: { commands: ["a".repeat(100_000), "b".repeat(40_000)] },
      },
      ["spec.script", "script.commands joined with newlines must be under 131072 characters"],
    ],
  ];

  it.each(cases)("%s", (_label, type, spec, expected) => {
    const message = refusal(resource(type, "bad", spec));
    for (const part of expected) {
      if (typeof part === "string") expect(message).toContain(part);
      else expect(message).toMatch(part);
    }
  });

  it("accepts what the API server accepts: relaxed env names, upper-case hosts and tags, label prefixes", () => {
    const spec = {
      image: "MyRegistry.example.com/team/app:Latest",
      env: { "my.var": "1", "WITH SPACE": "2" },
      podLabels: { "app.kubernetes.io/name": "x", empty: "" },
      nodeSelector: { "kubernetes.io/os": "linux" },
      podAnnotations: { "example.com/big": "x".repeat(200_000) },
      script: { commands: ["a".repeat(131_000)] },
    };
    k(["create"], JSON.stringify(resource("process", "lenient", spec)));
    k(["delete", "workloadprocess", "lenient", "-n", ns]);
  });

  it("limits names so child names fit", () => {
    expect(refusal(resource("cronjob", "c".repeat(53), minimal.cronjob))).toContain(
      "metadata.name must be at most 52 characters for a WorkloadCronJob",
    );
    expect(refusal(resource("service", "web.v2", minimal.service))).toContain(
      "metadata.name must be a DNS-1035 label",
    );
    k(["apply"], JSON.stringify(resource("cronjob", "c".repeat(52), minimal.cronjob)));
  });
});

describe("printing and status", () => {
  it("prints the documented columns for kubectl get workloadcronjobs", () => {
    const header = k(["get", "workloadcronjobs", "-n", ns]).split("\n")[0];
    expect(header.trim().split(/\s{2,}/)).toEqual([
      "NAME",
      "ACTIVE",
      "HEALTHY",
      "READY",
      "REASON",
      "SCHEDULE",
      "LAST SCHEDULE",
      "NEXT",
      "AGE",
    ]);
    const wide = k(["get", "wcron", "-n", ns, "-o", "wide"]).split("\n")[0];
    expect(wide).toContain("SUSPEND");
    expect(wide).toContain("CLUSTER");
    expect(wide).toContain("MESSAGE");
  });

  it.each([
    ["process", ["NAME", "ACTIVE", "HEALTHY", "READY", "REASON", "AGE"]],
    ["service", ["NAME", "ACTIVE", "HEALTHY", "READY", "REASON", "REPLICAS", "READY PODS", "AGE"]],
    [
      "persistent",
      ["NAME", "ACTIVE", "HEALTHY", "READY", "REASON", "REPLICAS", "READY PODS", "AGE"],
    ],
  ] as [WorkloadType, string[]][])("prints %s columns", (type, columns) => {
    const header = k(["get", KINDS[type].plural, "-n", ns]).split("\n")[0];
    expect(header.trim().split(/\s{2,}/)).toEqual(columns);
  });

  it("keeps status in a subresource: status patches work, spec writes do not touch status", () => {
    const name = "min-service";
    const status = {
      observedGeneration: 1,
      active: true,
      healthy: true,
      message: "running",
      replicas: 1,
      readyReplicas: 1,
      leader: { id: "ctl-1", cluster: "east", epoch: 3 },
      conditions: [
        {
          type: "Ready",
          status: "True",
          reason: "Running",
          message: "all good",
          lastTransitionTime: "2024-01-01T00:00:00Z",
          observedGeneration: 1,
        },
      ],
    };
    k([
      "patch", "workloadservice", name, "-n", ns, "--subresource=status", "--type=merge",
      "-p", JSON.stringify({ status }),
    ]); // prettier-ignore
    const withStatus = getJson("service", name);
    expect(withStatus.status).toEqual(status);

    const row = k(["get", "workloadservice", name, "-n", ns, "--no-headers"]);
    expect(row.trim().split(/\s+/).slice(0, 7)).toEqual([
      name, "true", "true", "True", "Running", "1", "1",
    ]); // prettier-ignore
    const wideRow = k(["get", "workloadservice", name, "-n", ns, "--no-headers", "-o", "wide"]);
    expect(wideRow.trimEnd().endsWith("all good")).toBe(true);

    // A spec edit bumps the generation and leaves status alone; a status in the main resource is ignored.
    k([
      "patch", "workloadservice", name, "-n", ns, "--type=merge",
      "-p", JSON.stringify({ spec: { replicas: 2 }, status: { healthy: false } }),
    ]); // prettier-ignore
    const edited = getJson("service", name) as {
      metadata: { generation: number };
      spec: { replicas: number };
      status: unknown;
    };
    expect(edited.spec.replicas).toBe(2);
    expect(edited.metadata.generation).toBe(2);
    expect(edited.status).toEqual(status);
  });

  it("prints a cron job's READY, REASON, LAST SCHEDULE and NEXT, and the MESSAGE with -o wide", () => {
    const name = "min-cronjob";
    const now = Date.now();
    const status = {
      observedGeneration: 1,
      active: true,
      healthy: true,
      lastScheduleTime: new Date(now - 5 * 60_000).toISOString().replace(/\.\d+Z$/, "Z"),
      nextScheduleTime: new Date(now + 60 * 60_000).toISOString().replace(/\.\d+Z$/, "Z"),
      conditions: [
        {
          type: "Ready",
          status: "False",
          reason: "ChildRejected",
          message: 'Job.batch "min-cronjob-1" is invalid: spec.template.spec.containers[0].image',
          lastTransitionTime: "2024-01-01T00:00:00Z",
        },
      ],
    };
    k([
      "patch", "workloadcronjob", name, "-n", ns, "--subresource=status", "--type=merge",
      "-p", JSON.stringify({ status }),
    ]); // prettier-ignore
    const lines = k(["get", "workloadcronjob", name, "-n", ns]).split("\n");
    const header = lines[0].trim().split(/\s{2,}/);
    const row = lines[1].trim().split(/\s{2,}/);
    const cell = (column: string) => row[header.indexOf(column)];
    expect(cell("READY")).toBe("False");
    expect(cell("REASON")).toBe("ChildRejected");
    expect(cell("LAST SCHEDULE")).toMatch(/^[45]m/);
    // A "date" column would print this future time as <invalid> (measured): NEXT is the timestamp.
    expect(cell("NEXT")).toBe(status.nextScheduleTime);
    const wide = k(["get", "workloadcronjob", name, "-n", ns, "-o", "wide"]);
    expect(wide).toContain('Job.batch "min-cronjob-1" is invalid');
  });

  it("validates status writes too", () => {
    expect(
      () =>
      k([
        "patch", "workloadservice", "min-service", "-n", ns, "--subresource=status", "--type=merge",
        "-p", JSON.stringify({ status: { conditions: [{ type: "Ready", status: "Maybe" }] } }),
      ]), // prettier-ignore
    ).toThrow(/status.conditions\[0\].status: Unsupported value: "Maybe"/);
  });
});

describe("objects the builders make from stored custom resources", () => {
  // Server-side dry runs: the API server (with its admission plugins) validates each child exactly as
  // a reconciler would send it, built from the fully loaded custom resources stored above.
  const ctx = { tenant: "e2e" };

  function stored<S>(type: WorkloadType): {
    metadata: { name: string; namespace: string; uid: string };
    spec: S;
  } {
    return getJson(type, `full-${type}`) as never;
  }

  function dryRun(obj: object): Record<string, unknown> {
    return JSON.parse(k(["create", "--dry-run=server", "-o", "json"], JSON.stringify(obj)));
  }

  beforeAll(() => {
    // The full samples name a service account and a priority class; admission checks both exist.
    k(["create", "serviceaccount", "worker", "-n", ns]);
    k(
      ["apply"],
      JSON.stringify({
        apiVersion: "scheduling.k8s.io/v1",
        kind: "PriorityClass",
        metadata: { name: "high" },
        value: 1000,
      }),
    );
  });

  it("a process Pod", () => {
    const cr = stored<ReturnType<typeof fullProcessSpec>>("process");
    const pod = dryRun(buildProcessPod(cr, ctx)) as {
      metadata: { ownerReferences: { uid: string }[] };
    };
    expect(pod.metadata.ownerReferences[0].uid).toBe(cr.metadata.uid);
  });

  it("a cron Job for a tick", () => {
    const cr = stored<ReturnType<typeof fullCronSpec>>("cronjob");
    const job = dryRun(buildJobForTick(cr, new Date("2024-01-01T00:05:00Z"), ctx)) as {
      metadata: { name: string };
    };
    expect(job.metadata.name).toBe(`full-cronjob-${Date.parse("2024-01-01T00:05:00Z") / 60_000}`);
  });

  it("a service's Deployment and Service", () => {
    const cr = stored<ReturnType<typeof fullServiceSpec>>("service");
    const deployment = dryRun(buildDeployment(cr, ctx)) as { spec: { strategy: { type: string } } };
    expect(deployment.spec.strategy.type).toBe("Recreate");
    const service = buildService(cr, ctx);
    expect(service).toBeDefined();
    dryRun(service ?? {});
  });

  it("a persistent set's StatefulSet and both Services", () => {
    const cr = stored<ReturnType<typeof fullPersistentSpec>>("persistent");
    const sts = dryRun(buildStatefulSet(cr, ctx)) as { spec: { volumeClaimTemplates: unknown[] } };
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    const headless = dryRun(buildHeadlessService(cr, ctx)) as { spec: { clusterIP: string } };
    expect(headless.spec.clusterIP).toBe("None");
    dryRun(buildPortsService(cr, ctx) ?? {});
  });
});
