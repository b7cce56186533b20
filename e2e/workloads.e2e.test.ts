// The four workload kinds end to end, with a real operator process (the shipped bundle) on the real
// local control plane: apply → children exist and status is Active and Healthy; edit → children
// follow; delete → children are gone; printer columns; the predecessor's sample; invalid input.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kubectlAsync } from "../devenv/lib/kubectl-async";
import { kubectl } from "../devenv/controlplane/cluster";
import { waitFor } from "../devenv/lib/processes";
import {
  FAST_LEASE,
  startOperator,
  stopOperators,
  type OperatorProcess,
  waitUntilLeading,
} from "../devenv/lib/operator";

const kubeconfig = inject("kubeconfig");
const ns = `workloads-${Date.now().toString(36)}`;
const k = (args: string[], input?: string) => kubectl(kubeconfig, args, input);
let operator: OperatorProcess | undefined;

interface Status {
  active?: boolean;
  healthy?: boolean;
  message?: string;
  observedGeneration?: number;
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
}

function getJson<T>(args: string[]): T | undefined {
  try {
    return JSON.parse(k([...args, "-o", "json"])) as T;
  } catch {
    return undefined;
  }
}

function statusOf(kind: string, name: string): Status | undefined {
  return getJson<{ status?: Status }>(["get", kind, name, "-n", ns])?.status;
}

async function untilActiveAndHealthy(kind: string, name: string): Promise<Status> {
  return waitFor(
    `${kind}/${name} to be Active and Healthy`,
    () => {
      const s = statusOf(kind, name);
      return s?.active === true && s.healthy === true ? s : undefined;
    },
    30_000,
    500,
  );
}

function apply(obj: unknown): void {
  k(["apply", "-n", ns], JSON.stringify(obj));
}

function names(kind: string, selector: string): string[] {
  const out = k([
    "get",
    kind,
    "-n",
    ns,
    "-l",
    selector,
    "-o",
    "jsonpath={.items[*].metadata.name}",
  ]).trim();
  return out === "" ? [] : out.split(/\s+/);
}

async function untilGone(kind: string, selector: string): Promise<void> {
  await waitFor(
    `${kind} with ${selector} to be gone`,
    () => (names(kind, selector).length === 0 ? true : undefined),
    60_000,
    500,
  );
}

const workload = (kind: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: "highlander.plexobject.io/v1",
  kind,
  metadata: { name, namespace: ns },
  spec,
});

const sel = (name: string, type: string) =>
  `highlander.plexobject.io/workload=${name},highlander.plexobject.io/kind=${type}`;

describe("workload kinds with a real operator", () => {
  beforeAll(async () => {
    k(["create", "namespace", ns]);
    operator = await startOperator({
      name: "workloads-op",
      kubeconfig,
      dir: mkdtempSync(join(tmpdir(), "highlander-op-")),
      env: { ...FAST_LEASE, HIGHLANDER_LEASE_NAMESPACE: ns, HIGHLANDER_TENANT: "default" },
    });
    await waitUntilLeading(operator);
  });

  afterAll(async () => {
    await stopOperators(operator);
  });

  it("WorkloadProcess: one pod, Active and Healthy; an edit re-creates it; delete removes it", async () => {
    apply(
      workload("WorkloadProcess", "proc", {
        image: "busybox",
        script: { commands: ["sleep 3600"] },
        env: { B: "2", A: "1" },
      }),
    );
    const status = await untilActiveAndHealthy("workloadprocess", "proc");
    expect(status.conditions?.find(c => c.type === "Ready")?.status).toBe("True");
    const pod = getJson<{
      spec: { containers: Array<{ env: Array<{ name: string }> }> };
      metadata: { ownerReferences: Array<{ kind: string }> };
    }>(["get", "pod", "proc", "-n", ns]);
    expect(pod?.spec.containers[0].env.map(e => e.name)).toEqual(["A", "B"]);
    expect(pod?.metadata.ownerReferences[0].kind).toBe("WorkloadProcess");

    apply(
      workload("WorkloadProcess", "proc", {
        image: "busybox",
        script: { commands: ["sleep 3600"] },
        env: { A: "1", B: "3" },
      }),
    );
    await waitFor(
      "the pod to carry the edited env",
      () => {
        const p = getJson<{
          spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> };
          status: { phase: string };
        }>(["get", "pod", "proc", "-n", ns]);
        return p?.spec.containers[0].env.find(e => e.name === "B")?.value === "3" &&
          p.status.phase === "Running"
          ? true
          : undefined;
      },
      30_000,
      500,
    );
    expect(names("pod", sel("proc", "process"))).toEqual(["proc"]);

    const table = k(["get", "workloadprocesses", "-n", ns]);
    expect(table.split("\n")[0]).toMatch(/NAME\s+ACTIVE\s+HEALTHY\s+READY\s+REASON\s+AGE/);

    // /api/pods carries the predecessor's PodInfo fields, read live from the API server.
    const live = getJson<{
      metadata: { labels: Record<string, string> };
      spec: { nodeName: string };
    }>(["get", "pod", "proc", "-n", ns]);
    if (!operator) throw new Error("no operator");
    const pods =
      await operator.api<
        Array<{ name: string; namespace: string; node: string; labels: Record<string, string> }>
      >("/api/pods");
    const served = pods.find(p => p.name === "proc" && p.namespace === ns);
    expect(served?.labels).toEqual(live?.metadata.labels);
    expect(served?.node).toBe(live?.spec.nodeName);
    expect(table).toMatch(/proc\s+true\s+true\s+True\s+Running/);

    await kubectlAsync(kubeconfig, [
      "delete",
      "workloadprocess",
      "proc",
      "-n",
      ns,
      "--wait=true",
      "--timeout=60s",
    ]);
    await untilGone("pod", sel("proc", "process"));
  });

  it("WorkloadService: Deployment (Recreate) and Service follow the spec; delete leaves no orphans", async () => {
    apply(
      workload("WorkloadService", "web", {
        image: "nginx",
        replicas: 2,
        ports: [{ name: "http", containerPort: 8080, servicePort: 80 }],
      }),
    );
    await untilActiveAndHealthy("workloadservice", "web");
    const dep = getJson<{ spec: { replicas: number; strategy: { type: string } } }>([
      "get",
      "deployment",
      "web",
      "-n",
      ns,
    ]);
    expect(dep?.spec).toMatchObject({ replicas: 2, strategy: { type: "Recreate" } });
    const svc = getJson<{ spec: { ports: Array<{ port: number; targetPort: number | string }> } }>([
      "get",
      "service",
      "web",
      "-n",
      ns,
    ]);
    expect(svc?.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080 });

    apply(
      workload("WorkloadService", "web", {
        image: "nginx",
        replicas: 1,
        ports: [{ name: "http", containerPort: 8080, servicePort: 80 }],
      }),
    );
    await waitFor(
      "the Deployment to scale to 1",
      () =>
        getJson<{ spec: { replicas: number } }>(["get", "deployment", "web", "-n", ns])?.spec
          .replicas === 1
          ? true
          : undefined,
      30_000,
      500,
    );
    await untilActiveAndHealthy("workloadservice", "web");
    expect(k(["get", "workloadservices", "-n", ns]).split("\n")[0]).toMatch(
      /NAME\s+ACTIVE\s+HEALTHY\s+READY\s+REASON\s+REPLICAS\s+READY PODS\s+AGE/,
    );

    await kubectlAsync(kubeconfig, [
      "delete",
      "workloadservice",
      "web",
      "-n",
      ns,
      "--wait=true",
      "--timeout=60s",
    ]);
    await untilGone("deployment", sel("web", "service"));
    await untilGone("service", sel("web", "service"));
    await untilGone("pod", sel("web", "service"));
  });

  it("WorkloadPersistent: StatefulSet with headless Service and claim templates; delete leaves no orphans", async () => {
    // The local control plane has no volume provisioner: give the claim a pre-made volume to bind.
    k(["apply"], JSON.stringify({
      apiVersion: "v1", kind: "PersistentVolume",
      metadata: { name: `${ns}-pv0` },
      spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: `/tmp/${ns}-pv0` }, storageClassName: "manual" },
    })); // prettier-ignore
    apply(workload("WorkloadPersistent", "db", {
      image: "postgres", replicas: 1, ports: [{ name: "pg", containerPort: 5432 }],
      persistentVolumes: [{ name: "data", mountPath: "/var/lib/postgresql/data", size: "1Gi", storageClassName: "manual" }],
    })); // prettier-ignore
    await untilActiveAndHealthy("workloadpersistent", "db");
    const sts = getJson<{
      spec: { serviceName: string; volumeClaimTemplates: Array<{ metadata: { name: string } }> };
    }>(["get", "statefulset", "db", "-n", ns]);
    expect(sts?.spec.serviceName).toBe("db");
    expect(sts?.spec.volumeClaimTemplates.map(t => t.metadata.name)).toEqual(["data"]);
    expect(
      getJson<{ spec: { clusterIP: string } }>(["get", "service", "db", "-n", ns])?.spec.clusterIP,
    ).toBe("None");
    expect(
      getJson<{ spec: { ports: Array<{ port: number }> } }>([
        "get",
        "service",
        "db-ports",
        "-n",
        ns,
      ])?.spec.ports[0].port,
    ).toBe(5432);

    await kubectlAsync(kubeconfig, [
      "delete",
      "workloadpersistent",
      "db",
      "-n",
      ns,
      "--wait=true",
      "--timeout=60s",
    ]);
    await untilGone("statefulset", sel("db", "persistent"));
    await untilGone("service", sel("db", "persistent"));
    await untilGone("pod", sel("db", "persistent"));
  });

  it("WorkloadCronJob: the predecessor's sample applies unchanged and becomes Active and Healthy", async () => {
    const sample = [
      "apiVersion: highlander.plexobject.io/v1",
      "kind: WorkloadCronJob",
      "metadata:",
      "  name: sample-cronjob",
      `  namespace: ${ns}`,
      "spec:",
      '  image: "busybox:latest"',
      "  script:",
      "    commands:",
      "      - \"echo 'Running CRD-defined cron job at $(date)'\"",
      "      - \"echo 'Hostname: $(hostname)'\"",
      '      - "sleep 15"',
      '    shell: "/bin/sh"',
      '  schedule: "*/5 * * * *"',
      "  env:",
      '    TEST_ENV: "crd-value"',
      '    CRD_DEFINED: "true"',
      "  resources:",
      '    cpuRequest: "50m"',
      '    memoryRequest: "32Mi"',
      '    cpuLimit: "100m"',
      '    memoryLimit: "64Mi"',
      '  restartPolicy: "OnFailure"',
      "",
    ].join("\n");
    k(["apply"], sample);
    const status = await untilActiveAndHealthy("workloadcronjob", "sample-cronjob");
    expect(status.message).toBeTruthy();
    const header = k(["get", "workloadcronjobs", "-n", ns]).split("\n")[0];
    expect(header).toMatch(
      /NAME\s+ACTIVE\s+HEALTHY\s+READY\s+REASON\s+SCHEDULE\s+LAST SCHEDULE\s+NEXT\s+AGE/,
    );
    expect(k(["get", "workloadcronjobs", "-n", ns])).toMatch(
      /sample-cronjob\s+true\s+true\s+True\s+\S+\s+\*\/5 \* \* \* \*/,
    );
    await kubectlAsync(kubeconfig, [
      "delete",
      "workloadcronjob",
      "sample-cronjob",
      "-n",
      ns,
      "--wait=true",
      "--timeout=60s",
    ]);
    await untilGone("job", sel("sample-cronjob", "cronjob"));
  });

  it("refuses invalid resources with a clear message or reports InvalidSpec, and keeps reconciling the rest", async () => {
    const refused: Array<[unknown, RegExp]> = [
      [
        workload("WorkloadProcess", "no-image", { script: { commands: ["true"] } }),
        /image: Required value/,
      ],
      [workload("WorkloadService", "neg", { image: "x", replicas: -1 }), /replicas/],
      [
        workload("WorkloadService", "wrongtype", { image: "x", replicas: "two" }),
        /replicas: Invalid value: "string"/,
      ],
      [
        workload("WorkloadProcess", "badpolicy", { image: "x", restartPolicy: "Sometimes" }),
        /restartPolicy: Unsupported value: "Sometimes"/,
      ],
    ];
    for (const [obj, message] of refused) expect(() => apply(obj)).toThrow(message);

    // Five fields but not a schedule: the schema cannot tell, the controller can.
    apply(workload("WorkloadCronJob", "badcron", { image: "busybox", schedule: "61 * * * *" }));
    const invalid = await waitFor(
      "InvalidSpec on badcron",
      () =>
        statusOf("workloadcronjob", "badcron")?.conditions?.find(
          c => c.type === "InvalidSpec" && c.status === "True",
        ),
      30_000,
      500,
    );
    expect(invalid.message).toMatch(/schedule/i);
    expect(names("job", sel("badcron", "cronjob"))).toEqual([]);

    apply(
      workload("WorkloadProcess", "after-bad", {
        image: "busybox",
        script: { commands: ["sleep 3600"] },
      }),
    );
    await untilActiveAndHealthy("workloadprocess", "after-bad");
    expect(operator?.child.exitCode).toBeNull();
  });
});
