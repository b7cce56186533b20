// The workload policy and the restricted defaults on the real API server: harmful specs are refused
// with the field named (and accepted in a namespace an administrator opted in), the examples and the
// predecessor's sample still apply, and the pods built from them pass Pod Security "restricted".
// Step-down on real operators: refused without credentials (401), for a ServiceAccount RBAC does not
// allow (403, and the leader keeps leading) and for a foreign Host (421); done for an allowed one.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { KINDS, WORKLOAD_TYPES } from "../capabilities/workloads/crd/kinds";
import { PREDECESSOR_SAMPLE_CRONJOB_YAML } from "../capabilities/workloads/crd/samples";
import type {
  WorkloadCronJobSpec,
  WorkloadObject,
  WorkloadPersistentSpec,
  WorkloadProcessSpec,
  WorkloadServiceSpec,
} from "../capabilities/workloads/crd/types";
import { buildJobForTick } from "../capabilities/workloads/kinds/cronjob/build-job";
import { buildStatefulSet } from "../capabilities/workloads/kinds/persistent/build";
import { buildProcessPod } from "../capabilities/workloads/kinds/process/build-pod";
import { buildDeployment } from "../capabilities/workloads/kinds/service/build";
import { kubectl } from "../devenv/controlplane/cluster";
import {
  currentLeader,
  httpGet,
  startOperator,
  stopOperators,
  type OperatorProcess,
} from "../devenv/lib/operator";
import { waitFor } from "../devenv/lib/processes";
import { WIDE_PROFILE_LABEL } from "../devenv/lib/workload-policy";

const kubeconfig = inject("kubeconfig");
const suffix = Date.now().toString(36);
const ns = `sec-${suffix}`;
const opted = `sec-priv-${suffix}`;
const restricted = `sec-psa-${suffix}`;
/** Only this suite's namespaces: other suites share the control plane and must not see the policy. */
const SUITE_LABEL = "highlander-e2e/security";
const root = join(import.meta.dirname, "..");
const OPT_IN = WIDE_PROFILE_LABEL;

function k(args: string[], input?: string): string {
  return kubectl(kubeconfig, args, input);
}

function workload(name: string, spec: object, namespace = ns): object {
  return {
    apiVersion: "highlander.plexobject.io/v1",
    kind: "WorkloadProcess",
    metadata: { name, namespace },
    spec: { image: "busybox", ...spec },
  };
}

function refusal(obj: object): string {
  try {
    k(["create", "--dry-run=server"], JSON.stringify(obj));
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`the API server accepted ${JSON.stringify(obj)}`);
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  k(["apply", "-f", join(root, "crds")]);
  for (const type of WORKLOAD_TYPES) {
    k([
      "wait",
      "--for=condition=Established",
      `crd/${KINDS[type].plural}.highlander.plexobject.io`,
      "--timeout=60s",
    ]);
  }
  const [policy, binding] = parseAllDocuments(
    readFileSync(join(root, "manifests/policy/workload-policy.yaml"), "utf8"),
  ).map(d => d.toJS() as Record<string, never>);
  const scoped = binding as unknown as {
    metadata: { name: string };
    spec: { matchResources: { namespaceSelector: { matchExpressions: object[] } } };
  };
  scoped.metadata.name = `highlander-workload-policy-${suffix}`;
  scoped.spec.matchResources.namespaceSelector.matchExpressions.push({
    key: SUITE_LABEL,
    operator: "Exists",
  });
  // Server-side, as the deploy e2e and the chart check apply it: a client-side apply here would own
  // fields the later server-side applies of the same policy then conflict with.
  k(["apply", "--server-side", "--force-conflicts"], JSON.stringify(policy));
  k(["apply", "--server-side", "--force-conflicts"], JSON.stringify(scoped));
  for (const name of [ns, opted, restricted]) {
    k(["create", "namespace", name]);
    k(["label", "namespace", name, `${SUITE_LABEL}=yes`]);
  }
  k(["label", "namespace", opted, OPT_IN]);
  k(["label", "namespace", restricted, "pod-security.kubernetes.io/enforce=restricted"]);
  // The API server picks up a new policy binding within a few seconds.
  const probe = workload("probe", { serviceAccountName: "admin" });
  await until(() => {
    try {
      refusal(probe);
      return true;
    } catch {
      return false;
    }
  }, "the workload policy to take effect");
}, 90_000);

afterAll(() => {
  try {
    for (const name of [ns, opted, restricted]) k(["delete", "namespace", name, "--wait=false"]);
    k(["delete", "validatingadmissionpolicybinding", `highlander-workload-policy-${suffix}`]);
  } catch {
    // Cleanup only; the throwaway cluster goes away with the run.
  }
});

const harmful: [string, object, string][] = [
  [
    "a privileged container",
    { securityContext: { privileged: true } },
    "spec.securityContext.privileged",
  ],
  [
    "a privileged sidecar",
    { sidecars: [{ name: "s", image: "busybox", securityContext: { privileged: true } }] },
    "spec.sidecars[].securityContext.privileged",
  ],
  [
    "SYS_ADMIN",
    { securityContext: { capabilities: { add: ["SYS_ADMIN"] } } },
    "spec.securityContext.capabilities.add",
  ],
  ["hostPath /", { volumes: [{ name: "root", hostPath: { path: "/" } }] }, "spec.volumes"],
  ["a Secret volume", { volumes: [{ name: "s", secret: { secretName: "db" } }] }, "spec.volumes"],
  ["root", { podSecurityContext: { runAsUser: 0 } }, "spec.podSecurityContext.runAsUser"],
  [
    "runAsNonRoot false",
    { securityContext: { runAsNonRoot: false } },
    "spec.securityContext.runAsNonRoot",
  ],
  ["another ServiceAccount", { serviceAccountName: "admin" }, "spec.serviceAccountName"],
  ["mounted Secrets", { secrets: ["db"] }, "spec.secrets"],
  [
    "a Secret in env",
    { extraEnv: [{ name: "P", valueFrom: { secretKeyRef: { name: "db", key: "p" } } }] },
    "spec.extraEnv[].valueFrom.secretKeyRef",
  ],
  ["envFrom a Secret", { envFrom: [{ secretRef: { name: "db" } }] }, "spec.envFrom[].secretRef"],
];

describe("the workload policy", () => {
  it.each(harmful)("refuses %s, naming the field and the opt-in", (_what, spec, field) => {
    const msg = refusal(workload("bad", spec));
    expect(msg).toContain(`${field}:`);
    expect(msg).toContain(OPT_IN);
  });

  it("refuses 2147483647 replicas of a WorkloadService", () => {
    const msg = refusal({
      apiVersion: "highlander.plexobject.io/v1",
      kind: "WorkloadService",
      metadata: { name: "huge", namespace: ns },
      spec: { image: "nginx", replicas: 2147483647 },
    });
    expect(msg).toContain("spec.replicas:");
    expect(msg).toContain(OPT_IN);
  });

  it("accepts every harmful spec in a namespace an administrator opted in", () => {
    for (const [, spec] of harmful) {
      k(["create", "--dry-run=server"], JSON.stringify(workload("ok", spec, opted)));
    }
  });

  it("keeps applying the predecessor's sample and every example unchanged", () => {
    const sample = parse(PREDECESSOR_SAMPLE_CRONJOB_YAML) as { metadata: { namespace: string } };
    sample.metadata.namespace = ns;
    k(["create", "--dry-run=server"], JSON.stringify(sample));
    const dir = join(root, "manifests/examples");
    for (const file of readdirSync(dir).filter(
      f => f.endsWith(".yaml") && f !== "kustomization.yaml",
    )) {
      const doc = parse(readFileSync(join(dir, file), "utf8")) as {
        metadata: { namespace: string };
      };
      doc.metadata.namespace = ns;
      k(["create", "--dry-run=server"], JSON.stringify(doc));
    }
  });
});

/** A StatefulSet's pod template, with its claim templates as the PVC volumes the controller adds. */
function statefulPod(cr: WorkloadObject<WorkloadPersistentSpec>): object | undefined {
  const set = buildStatefulSet(cr, { tenant: "default" }).spec;
  if (set === undefined) return undefined;
  const claims = (set.volumeClaimTemplates ?? []).map(c => ({
    name: c.metadata?.name ?? "",
    persistentVolumeClaim: { claimName: c.metadata?.name ?? "" },
  }));
  return { ...set.template.spec, volumes: [...(set.template.spec?.volumes ?? []), ...claims] };
}

describe("pods built from the examples, and the operator's own", () => {
  it("pass Pod Security restricted", () => {
    const ctx = { tenant: "default" };
    const read = <S>(file: string): WorkloadObject<S> => {
      const doc = parse(
        readFileSync(join(root, "manifests/examples", file), "utf8"),
      ) as WorkloadObject<S>;
      return { ...doc, metadata: { ...doc.metadata, namespace: restricted, uid: "uid-1" } };
    };
    const sample = parse(PREDECESSOR_SAMPLE_CRONJOB_YAML) as WorkloadObject<WorkloadCronJobSpec>;
    // Pod Security enforces on Pods only (Deployments and Jobs just warn): check each pod as a Pod.
    const pods: [string, object | undefined][] = [
      ["process", buildProcessPod(read<WorkloadProcessSpec>("workloadprocess.yaml"), ctx).spec],
      [
        "cronjob",
        buildJobForTick(read<WorkloadCronJobSpec>("workloadcronjob.yaml"), new Date(), ctx).spec
          ?.template.spec,
      ],
      [
        "predecessor-sample",
        buildJobForTick(
          { ...sample, metadata: { ...sample.metadata, namespace: restricted, uid: "uid-2" } },
          new Date(),
          ctx,
        ).spec?.template.spec,
      ],
      [
        "service",
        buildDeployment(read<WorkloadServiceSpec>("workloadservice.yaml"), ctx).spec?.template.spec,
      ],
      ["persistent", statefulPod(read<WorkloadPersistentSpec>("workloadpersistent.yaml"))],
    ];
    for (const [name, spec] of pods) {
      expect(spec, name).toBeDefined();
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: restricted },
        spec,
      };
      expect(k(["create", "--dry-run=server", "-o", "name"], JSON.stringify(pod))).toContain(name);
    }
    // The operator's own pod, as manifests/core/deployment.yaml runs it.
    const deployment = parse(
      readFileSync(join(root, "manifests/core/deployment.yaml"), "utf8"),
    ) as { spec: { template: { spec: { serviceAccountName: string } } } };
    const operatorPod = deployment.spec.template.spec;
    k(["create", "serviceaccount", operatorPod.serviceAccountName, "-n", restricted]);
    expect(
      k(
        ["create", "--dry-run=server", "-o", "name"],
        JSON.stringify({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "operator", namespace: restricted },
          spec: operatorPod,
        }),
      ),
    ).toContain("operator");
    // And the check is real: a root pod is refused in the same namespace.
    expect(() =>
      k(
        ["create", "--dry-run=server"],
        JSON.stringify({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "root", namespace: restricted },
          spec: { containers: [{ name: "c", image: "busybox" }] },
        }),
      ),
    ).toThrow(/restricted/);
  });
});

describe("the shipped NetworkPolicy", () => {
  it("is accepted by the API server", () => {
    const doc = parse(
      readFileSync(join(root, "manifests/optional/networkpolicy.yaml"), "utf8"),
    ) as { metadata: { namespace: string } };
    doc.metadata.namespace = ns;
    expect(k(["create", "--dry-run=server", "-o", "name"], JSON.stringify(doc))).toContain(
      "networkpolicy",
    );
  });
});

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw POST, so the test controls every header (Host included). */
function post(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers }, res => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A shipped ClusterRole of manifests/core/rbac-auth.yaml under a name of this run, bound to `sa`. */
function bindShippedRole(shippedName: string, runName: string, sa: string): void {
  const shipped = parseAllDocuments(
    readFileSync(join(root, "manifests/core/rbac-auth.yaml"), "utf8"),
  )
    .map(d => d.toJS() as { metadata: { name: string }; rules?: object[] })
    .find(d => d.metadata.name === shippedName);
  expect(shipped?.rules).toBeDefined();
  k(["apply"], JSON.stringify({ ...shipped, metadata: { name: runName } }));
  k([
    "create",
    "clusterrolebinding",
    runName,
    `--clusterrole=${runName}`,
    `--serviceaccount=${ns}:${sa}`,
  ]);
}

describe("step-down and reads on real operators (api.readAuth=kubernetes)", () => {
  const dir = mkdtempSync(join(tmpdir(), "highlander-security-"));
  const tenant = `sec-${suffix}`;
  const allowedRole = `highlander-step-down-${suffix}`;
  const readerRole = `highlander-reader-${suffix}`;
  let operators: OperatorProcess[] = [];

  beforeAll(async () => {
    for (const sa of ["stepper", "bystander", "reader"]) {
      k(["create", "serviceaccount", sa, "-n", ns]);
    }
    bindShippedRole("highlander-step-down", allowedRole, "stepper");
    bindShippedRole("highlander-reader", readerRole, "reader");
    // Roomy timings: "the leader keeps leading" must not depend on renewals keeping up under load.
    const env = {
      HIGHLANDER_LEASE_DURATION: "20s",
      HIGHLANDER_RENEW_DEADLINE: "15s",
      HIGHLANDER_RETRY_PERIOD: "1s",
      HIGHLANDER_TENANT: tenant,
      HIGHLANDER_LEASE_NAMESPACE: ns,
      HIGHLANDER_API_READ_AUTH: "kubernetes",
    };
    operators = await Promise.all(
      ["sec-a", "sec-b"].map(name => startOperator({ name, kubeconfig, dir, env })),
    );
  }, 120_000);

  afterAll(async () => {
    await stopOperators(...operators);
    try {
      k([
        "delete",
        "clusterrolebinding,clusterrole",
        allowedRole,
        readerRole,
        "--ignore-not-found",
      ]);
    } catch {
      // Cleanup only.
    }
  });

  it("refuses without credentials, for a user RBAC does not allow and for a foreign Host", async () => {
    const leader = await waitFor("a leader", () => currentLeader(operators), 60_000);
    const before = await leader.api<{ instance: { epoch: number } }>("/api/status");
    const url = `${leader.url}/api/leader/step-down`;
    const bystander = k(["create", "token", "bystander", "-n", ns]).trim();

    const anonymous = await post(url, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toContain("Bearer");
    expect((await post(url, { authorization: "Bearer not-a-token" })).status).toBe(401);

    const forbidden = await post(url, { authorization: `Bearer ${bystander}` });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toContain(
      `system:serviceaccount:${ns}:bystander may not update leaders.highlander.plexobject.io`,
    );

    const rebound = await post(url, {
      host: "attacker.example:8080",
      authorization: `Bearer ${leader.token}`,
    });
    expect(rebound.status).toBe(421);

    // None of them moved the leadership.
    expect(await currentLeader(operators)).toBe(leader);
    const after = await leader.api<{ instance: { epoch: number } }>("/api/status");
    expect(after.instance.epoch).toBe(before.instance.epoch);
  }, 90_000);

  it("serves reads only to callers RBAC lets get leaders; probes stay open", async () => {
    const leader = await waitFor("a leader", () => currentLeader(operators), 60_000);
    const reader = k(["create", "token", "reader", "-n", ns]).trim();
    const bystander = k(["create", "token", "bystander", "-n", ns]).trim();
    const get = (path: string, token?: string) =>
      httpGet(`${leader.url}${path}`, token ? { authorization: `Bearer ${token}` } : {});

    for (const path of ["/api/status", "/api/workloads", "/metrics", "/"]) {
      const anonymous = await get(path);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get("www-authenticate"), path).toContain("Bearer");
    }
    const forbidden = await get("/api/status", bystander);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toContain(
      `system:serviceaccount:${ns}:bystander may not get leaders.highlander.plexobject.io`,
    );
    const status = await get("/api/status", reader);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { data: { isLeader: boolean } }).data.isLeader).toBe(true);
    const metrics = await get("/metrics", reader);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("k8_highlander_controller_state");
    // The kubelet sends no credentials: the probes answer anyway.
    expect((await get("/healthz")).status).toBe(200);
    expect((await get("/readyz")).status).toBe(200);
    // Reading is not stepping down.
    const stepped = await post(`${leader.url}/api/leader/step-down`, {
      authorization: `Bearer ${reader}`,
    });
    expect(stepped.status).toBe(403);
    expect(await currentLeader(operators)).toBe(leader);
  }, 90_000);

  it("steps down for a ServiceAccount RBAC allows; the standby takes over", async () => {
    const leader = await waitFor("a leader", () => currentLeader(operators), 60_000);
    const stepper = k(["create", "token", "stepper", "-n", ns]).trim();
    const answer = await post(`${leader.url}/api/leader/step-down`, {
      authorization: `Bearer ${stepper}`,
    });
    expect(answer.status, answer.body).toBe(200);
    await leader.exited();
    const next = await waitFor(
      "the standby to take over",
      () => currentLeader(operators.filter(p => p !== leader)),
      30_000,
    );
    expect(next).not.toBe(leader);
  }, 90_000);
});
