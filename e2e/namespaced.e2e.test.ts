// Namespaced mode end to end: the built module runs as a ServiceAccount holding exactly the grants of
// manifests/namespaced (the per-namespace Role from manifests/rbac/namespaced, the Lease and
// Pepr-store Roles, the fence ClusterRole — the rules read from those files), with
// HIGHLANDER_WATCH_NAMESPACES naming one namespace. It reconciles one workload of every kind there
// with no Forbidden in its log, leaves a workload in another namespace alone (and says so), and a
// watch its RBAC forbids makes /readyz fail with a JSON error line instead of crashing. Last, the same
// ServiceAccount bound to the generated cluster-wide ClusterRole reconciles anywhere. And the Helm
// chart rendered with watchNamespaces: its ServiceAccount, with exactly the chart's RBAC, does the same.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { kubectl } from "../devenv/controlplane/cluster";
import {
  FAST_LEASE,
  httpGet,
  startOperator,
  stopOperators,
  type OperatorProcess,
} from "../devenv/lib/operator";
import { helmTemplate } from "../devenv/lib/helm";
import { waitFor } from "../devenv/lib/processes";
import { serviceAccountKubeconfig } from "../devenv/lib/service-account";

const kubeconfig = inject("kubeconfig");
const root = resolve(import.meta.dirname, "..");
const id = Date.now().toString(36);
const system = `hl-nsop-${id}`; // the operator's own namespace (SA, Lease)
const watched = `hl-watched-${id}`;
const unwatched = `hl-unwatched-${id}`;
const tenant = `ns-${id}`;
const k = (args: string[], input?: string) => kubectl(kubeconfig, args, input);
const dir = mkdtempSync(join(tmpdir(), "highlander-namespaced-"));
const operators: OperatorProcess[] = [];

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  subjects?: { kind: string; name: string; namespace: string }[];
  roleRef?: { name: string };
  [key: string]: unknown;
}

function docs(file: string): Obj[] {
  return parseAllDocuments(readFileSync(join(root, file), "utf8")).map(d => d.toJS() as Obj);
}

/** A manifest's RBAC objects, re-pointed at this test's ServiceAccount, names made unique. */
function rbacFor(file: string, namespace?: string): Obj[] {
  return docs(file).map(o => {
    const name = `${o.metadata.name}-${id}`;
    return {
      ...o,
      metadata: {
        name,
        ...(namespace || o.metadata.namespace
          ? { namespace: namespace ?? o.metadata.namespace }
          : {}),
      },
      ...(o.roleRef ? { roleRef: { ...o.roleRef, name: `${o.roleRef.name}-${id}` } } : {}),
      ...(o.subjects
        ? { subjects: [{ kind: "ServiceAccount", name: "highlander", namespace: system }] }
        : {}),
    };
  });
}

function applyObjects(objs: Obj[]): void {
  k(["apply"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objs }));
}

/** `kubectl auth can-i … --as` the test's ServiceAccount ("no" exits 1). */
function canI(verb: string, resource: string, where: string[]): boolean {
  const sa = `system:serviceaccount:${system}:highlander`;
  const r = spawnSync(
    "kubectl",
    ["--kubeconfig", kubeconfig, "auth", "can-i", verb, resource, `--as=${sa}`, ...where],
    {
      encoding: "utf8",
    },
  );
  const answer = r.stdout.trim();
  if (answer !== "yes" && answer !== "no")
    throw new Error(`kubectl auth can-i: ${r.stdout} ${r.stderr}`);
  return answer === "yes";
}

/** The four examples, moved into `namespace`. */
function examples(namespace: string): Obj[] {
  return ["workloadprocess", "workloadcronjob", "workloadservice", "workloadpersistent"].map(f => {
    const [o] = docs(`manifests/examples/${f}.yaml`);
    const labels = { ...o.metadata.labels, "highlander.plexobject.io/tenant": tenant };
    const moved: Obj = { ...o, metadata: { ...o.metadata, namespace, labels } };
    // The local control plane has no volume provisioner: the claim binds the volume made below.
    const spec = moved.spec as { persistentVolumes?: { storageClassName?: string }[] };
    for (const pv of spec.persistentVolumes ?? []) pv.storageClassName = "manual";
    return moved;
  });
}

interface Status {
  active?: boolean;
  healthy?: boolean;
}

function statusOf(kind: string, name: string, namespace: string): Status | undefined {
  const out = k(["get", kind, name, "-n", namespace, "-o", "json"]);
  return (JSON.parse(out) as { status?: Status }).status;
}

/** Waits (bounded) until the workload reports Active and Healthy. */
async function waitActiveHealthy(kind: string, name: string, namespace: string): Promise<void> {
  await waitFor(
    `${kind}/${name} in ${namespace} to be Active and Healthy`,
    () => {
      const s = statusOf(kind, name, namespace);
      return s?.active === true && s.healthy === true ? s : undefined;
    },
    90_000,
    500,
  );
}

function operatorEnv(namespaces: string): Record<string, string> {
  return {
    ...FAST_LEASE,
    HIGHLANDER_TENANT: tenant,
    HIGHLANDER_LEASE_NAMESPACE: system,
    HIGHLANDER_WATCH_NAMESPACES: namespaces,
  };
}

let saKubeconfig = "";

beforeAll(() => {
  k(["apply", "--server-side", "--force-conflicts", "-k", join(root, "manifests", "crds")]);
  k(["apply", "--server-side", "--force-conflicts", "-k", join(root, "manifests", "fence")]);
  for (const ns of [system, watched, unwatched]) k(["create", "namespace", ns]);
  k(["create", "serviceaccount", "highlander", "-n", system]);
  k(["apply"], JSON.stringify({
    apiVersion: "v1", kind: "PersistentVolume", metadata: { name: `${watched}-pv0` },
    spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: `/tmp/${watched}-pv0` }, storageClassName: "manual" },
  })); // prettier-ignore
  applyObjects([
    ...rbacFor("manifests/rbac/namespaced/watched-namespace-role.yaml", watched),
    ...rbacFor("manifests/core/rbac-leader-election.yaml", system),
    ...rbacFor("manifests/core/rbac-pepr-store.yaml"),
    // The fence ClusterRole itself comes from manifests/fence; only the binding is this test's.
    ...rbacFor("manifests/fence/rbac.yaml")
      .filter(o => o.kind === "ClusterRoleBinding")
      .map(o => ({ ...o, roleRef: { ...o.roleRef, name: "highlander-fence" } })),
  ]);
  saKubeconfig = serviceAccountKubeconfig(
    kubeconfig,
    system,
    "highlander",
    join(dir, "sa.kubeconfig"),
  );
}, 300_000);

afterAll(async () => {
  await stopOperators(...operators);
  k(["delete", "namespace", system, watched, unwatched, "--wait=false", "--ignore-not-found"]);
  k([
    "delete",
    "clusterrolebinding",
    `highlander-fence-${id}`,
    `highlander-${id}`,
    "--ignore-not-found",
  ]);
  k(["delete", "clusterrole", `highlander-${id}`, "--ignore-not-found"]);
  k(["delete", "persistentvolume", `${watched}-pv0`, "--wait=false", "--ignore-not-found"]);
  k([
    "delete",
    "-n",
    "pepr-system",
    "role,rolebinding",
    `highlander-pepr-store-${id}`,
    "--ignore-not-found",
  ]);
});

describe("namespaced mode as the manifests/namespaced ServiceAccount", () => {
  it("has no cluster-wide grant on pods or on our kinds", () => {
    const ours = "workloadprocesses.highlander.plexobject.io";
    expect(canI("watch", "pods", ["--all-namespaces"])).toBe(false);
    expect(canI("list", ours, ["--all-namespaces"])).toBe(false);
    expect(canI("watch", ours, ["-n", unwatched])).toBe(false);
    expect(canI("watch", "pods", ["-n", watched])).toBe(true);
    expect(canI("watch", ours, ["-n", watched])).toBe(true);
  });

  it("reconciles every kind in the watched namespace, leaves the other alone, logs no Forbidden", async () => {
    const op = await startOperator({
      name: `nsop-${id}`,
      kubeconfig: saKubeconfig,
      dir,
      env: operatorEnv(watched),
    });
    operators.push(op);
    applyObjects([...examples(watched), examples(unwatched)[0]]);
    for (const o of examples(watched)) await waitActiveHealthy(o.kind, o.metadata.name, watched);
    // By now the unwatched one has been through several of the operator's resyncs: untouched.
    const [outside] = examples(unwatched);
    expect(statusOf(outside.kind, outside.metadata.name, unwatched)).toBeUndefined();
    expect(k(["get", "pods", "-n", unwatched, "-o", "name"]).trim()).toBe("");
    const status = await op.api<{ workloads: { namespace: string }[] }>("/api/status");
    expect(status.workloads.filter(w => w.namespace === watched)).toHaveLength(4);
    expect(status.workloads.some(w => w.namespace === unwatched)).toBe(false);
    expect((await httpGet(`${op.url}/readyz`)).status).toBe(200);

    const log = readFileSync(op.logFile, "utf8");
    const lines = log.split("\n").filter(l => l.trim() !== "");
    expect(lines.every(l => l.startsWith("{"))).toBe(true);
    expect(log).not.toMatch(/forbidden/i);
    expect(log).toContain(`watching only ${watched}: workloads in other namespaces are left alone`);
  }, 180_000);

  it("a watch its RBAC forbids is a JSON error line and a not-ready /readyz, not a crash", async () => {
    // The same identity told to watch a namespace it holds no Role in.
    const op = await startOperator({
      name: `nsop-denied-${id}`,
      kubeconfig: saKubeconfig,
      dir,
      env: { ...operatorEnv(`${watched},${unwatched}`), HIGHLANDER_TENANT: `${tenant}-denied` },
    });
    operators.push(op);
    const reasons = await waitFor(
      "/readyz to report a lost watch",
      async () => {
        const res = await httpGet(`${op.url}/readyz`);
        const body = (await res.json()) as { data?: { reasons?: string[] } };
        const lost = (body.data?.reasons ?? []).filter(r => r.startsWith("watch lost:"));
        return res.status === 503 && lost.length > 0 ? lost : undefined;
      },
      120_000,
      1_000,
    );
    expect(reasons.join("\n")).toContain(`in ${unwatched}`);
    expect(reasons.join("\n")).not.toContain(`in ${watched}:`);
    expect(op.child.exitCode).toBeNull();
    const lost = readFileSync(op.logFile, "utf8")
      .split("\n")
      .filter(l => l.includes("lost the watch on"))
      .map(l => JSON.parse(l) as { level: unknown; watch: string });
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every(l => l.watch.endsWith(`in ${unwatched}`))).toBe(true);
  }, 180_000);

  it("the cluster-wide identity (manifests/rbac/cluster) reconciles in any namespace, no Forbidden", async () => {
    // Last: it widens this ServiceAccount's grants to the generated ClusterRole.
    applyObjects(rbacFor("manifests/rbac/cluster/clusterrole.yaml"));
    const cw = `${tenant}-cw`;
    const op = await startOperator({
      name: `cwop-${id}`,
      kubeconfig: saKubeconfig,
      dir,
      env: { ...operatorEnv(""), HIGHLANDER_TENANT: cw },
    });
    operators.push(op);
    const [proc] = examples(unwatched);
    const obj = {
      ...proc,
      metadata: {
        name: "cluster-wide",
        namespace: unwatched,
        labels: { "highlander.plexobject.io/tenant": cw },
      },
    };
    applyObjects([obj]);
    await waitActiveHealthy("WorkloadProcess", "cluster-wide", unwatched);
    expect((await httpGet(`${op.url}/readyz`)).status).toBe(200);
    expect(readFileSync(op.logFile, "utf8")).not.toMatch(/forbidden/i);
  }, 180_000);
});

describe("namespaced mode as the Helm chart's ServiceAccount (watchNamespaces)", () => {
  const release = `hl-chart-${id}`; // the release namespace: the chart's ServiceAccount and Lease
  const chartWatched = `hl-chart-watched-${id}`;
  const chartTenant = `${tenant}-chart`;
  const RBAC = new Set([
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
  ]);
  let rbac: Obj[] = [];

  beforeAll(() => {
    for (const ns of [release, chartWatched]) k(["create", "namespace", ns]);
    const rendered = helmTemplate([
      "-n", release, "--set", `watchNamespaces={${chartWatched}}`, "--set", "peprNamespace.create=false",
    ]); // prettier-ignore
    rbac = parseAllDocuments(rendered)
      .map(d => d.toJS() as Obj | null)
      .filter((o): o is Obj => o !== null && RBAC.has(o.kind));
    applyObjects(rbac);
  }, 120_000);

  afterAll(() => {
    const cluster = rbac.filter(o => o.kind.startsWith("Cluster"));
    for (const o of cluster) k(["delete", o.kind, o.metadata.name, "--ignore-not-found"]);
    for (const o of rbac.filter(r => r.metadata.namespace === "pepr-system"))
      k(["delete", "-n", "pepr-system", o.kind, o.metadata.name, "--ignore-not-found"]);
    k(["delete", "namespace", release, chartWatched, "--wait=false", "--ignore-not-found"]);
  });

  it("grants nothing cluster-wide on workloads or their children", () => {
    const clusterRules = rbac
      .filter(o => o.kind === "ClusterRole")
      .flatMap(o => (o.rules ?? []) as { resources?: string[] }[])
      .flatMap(r => r.resources ?? []);
    for (const r of ["pods", "jobs", "deployments", "statefulsets", "workloadprocesses"])
      expect(clusterRules).not.toContain(r);
  });

  it("reconciles every kind in the watched namespace with no Forbidden", async () => {
    const sa = serviceAccountKubeconfig(
      kubeconfig,
      release,
      "highlander",
      join(dir, "chart.kubeconfig"),
    );
    const op = await startOperator({
      name: `chartop-${id}`,
      kubeconfig: sa,
      dir,
      env: {
        ...FAST_LEASE,
        HIGHLANDER_TENANT: chartTenant,
        HIGHLANDER_LEASE_NAMESPACE: release,
        HIGHLANDER_WATCH_NAMESPACES: chartWatched,
      },
    });
    operators.push(op);
    // Every kind but the persistent one (its claim would need a volume of its own here).
    const items = examples(chartWatched)
      .filter(o => o.kind !== "WorkloadPersistent")
      .map(o => ({
        ...o,
        metadata: { ...o.metadata, labels: { ...o.metadata.labels, "highlander.plexobject.io/tenant": chartTenant } },
      })); // prettier-ignore
    applyObjects(items);
    for (const o of items) await waitActiveHealthy(o.kind, o.metadata.name, chartWatched);
    expect((await httpGet(`${op.url}/readyz`)).status).toBe(200);
    expect(readFileSync(op.logFile, "utf8")).not.toMatch(/forbidden/i);
  }, 180_000);
});
