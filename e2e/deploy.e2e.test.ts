// The deployment artefacts against the real local control plane: manifests/ (both RBAC modes), the
// examples and the built dist/pepr-module-highlander.yaml pass server-side validation; the default
// install applies for real and its Deployment runs 2 replicas spread over the 2 nodes; and the operator's
// ServiceAccount — checked with `kubectl auth can-i --as` AND with real requests made with its own
// token — may do what the operator needs and nothing else.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import type { V1Deployment } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildReleaseArtifacts, findHelm, helmTemplate } from "../devenv/lib/helm";
import { serviceAccountKubeconfig } from "../devenv/lib/service-account";
import { startServer, waitFor, type ServerProcess } from "../devenv/lib/processes";
import { freePort } from "../devenv/lib/ports";
import { parseAllDocuments } from "yaml";

const kubeconfig = inject("kubeconfig");
const root = resolve(import.meta.dirname, "..");
const SA = "system:serviceaccount:highlander-system:highlander";
const other = `hl-deploy-${Date.now().toString(36)}`;

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** kubectl with a large output buffer (the module Secrets are over 1 MiB). */
function kubectlResult(args: string[], config = kubeconfig): Result {
  const r = spawnSync("kubectl", ["--kubeconfig", config, ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function k(args: string[], config = kubeconfig): string {
  const r = kubectlResult(args, config);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The module Secrets exceed the client-side last-applied annotation limit: always server-side. */
function apply(args: string[], dryRun: boolean): string {
  return k([
    "apply",
    "--server-side",
    "--force-conflicts",
    ...(dryRun ? ["--dry-run=server"] : []),
    ...args,
  ]);
}

function canI(verbResource: string, extra: string[] = []): boolean {
  const [verb, resource] = verbResource.split(" ");
  const r = kubectlResult(["auth", "can-i", verb, resource, ...extra, `--as=${SA}`]);
  if (r.stdout.trim() === "yes") return true;
  if (r.stdout.trim() === "no") return false;
  throw new Error(`kubectl auth can-i ${verbResource}: ${r.stdout} ${r.stderr}`);
}

const dist = join(root, "dist", "pepr-module-highlander.yaml");

const helm = findHelm();

beforeAll(() => {
  // The build's output must reflect the manifests as they are now.
  buildReleaseArtifacts();
  // Custom resources can be validated only once their CRDs exist, namespaced objects once their
  // namespaces do: those go in for real first.
  apply(["-k", "manifests/crds"], false);
  apply(["-f", "manifests/core/namespaces.yaml"], false);
  k(["create", "namespace", other]);
  for (const crd of [
    "workloadprocesses",
    "workloadcronjobs",
    "workloadservices",
    "workloadpersistents",
  ]) {
    k([
      "wait",
      "--for=condition=Established",
      `crd/${crd}.highlander.plexobject.io`,
      "--timeout=60s",
    ]);
  }
}, 300_000);

afterAll(() => {
  // Remove what this file created; the CRDs and pepr-system stay for other suites.
  kubectlResult(["delete", "namespace", "highlander-system", other, "--wait=false"]);
  kubectlResult([
    "delete",
    "clusterrolebinding",
    "highlander",
    "highlander-watch",
    "highlander-auth",
    "--ignore-not-found",
  ]);
  kubectlResult([
    "delete",
    "clusterrole",
    "highlander",
    "highlander-watch",
    "highlander-auth",
    "highlander-step-down",
    "--ignore-not-found",
  ]);
  kubectlResult([
    "delete",
    "-n",
    "pepr-system",
    "role,rolebinding",
    "highlander-pepr-store",
    "--ignore-not-found",
  ]);
  kubectlResult([
    "delete",
    "-n",
    "default",
    "role,rolebinding",
    "highlander",
    "--ignore-not-found",
  ]);
});

describe("server-side validation (dry run)", () => {
  it.each([
    ["the default install", ["-k", "manifests"]],
    ["the namespaced install", ["-k", "manifests/namespaced"]],
    ["the examples, one of each kind", ["-k", "manifests/examples"]],
    ["the built dist/pepr-module-highlander.yaml", ["-f", dist]],
  ])("accepts %s", (_, args) => {
    const out = apply([...args, "-o", "name"], true);
    expect(out.trim().split("\n").length).toBeGreaterThan(3);
  });

  it("accepts the install with the optional storage-drivers init container", () => {
    // An overlay of the user's own, outside the repository, as the component's comment describes.
    const overlay = mkdtempSync(join(tmpdir(), "highlander-overlay-"));
    const manifests = relative(overlay, join(root, "manifests"));
    writeFileSync(
      join(overlay, "kustomization.yaml"),
      [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources:",
        `  - ${manifests}`,
        "components:",
        `  - ${manifests}/optional/drivers-init`,
        "",
      ].join("\n"),
    );
    const list = JSON.parse(apply(["-k", overlay, "-o", "json"], true)) as {
      items: Record<string, unknown>[];
    };
    const deploy = list.items.find(o => o.kind === "Deployment") as V1Deployment;
    const pod = deploy.spec!.template.spec!;
    expect(pod.initContainers?.map(c => c.name)).toEqual(["storage-drivers"]);
    expect(pod.containers[0].env).toContainEqual({
      name: "NODE_PATH",
      value: "/drivers/node_modules",
    });
    expect(pod.containers[0].volumeMounts).toContainEqual(
      expect.objectContaining({ name: "drivers", mountPath: "/drivers" }),
    );
  });

  it("stores the controller Deployment with HA settings, as the server defaults it", () => {
    const list = JSON.parse(apply(["-f", dist, "-o", "json"], true)) as {
      items: Record<string, unknown>[];
    };
    const deploy = list.items.find(o => o.kind === "Deployment") as V1Deployment;
    const spec = deploy.spec!;
    const pod = spec.template.spec!;
    const c = pod.containers[0];
    expect(spec.replicas).toBe(2);
    expect(spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    const term =
      pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0];
    expect(term?.podAffinityTerm.topologyKey).toBe("kubernetes.io/hostname");
    expect(c.livenessProbe?.httpGet).toMatchObject({ path: "/healthz", port: "http" });
    expect(c.readinessProbe?.httpGet).toMatchObject({ path: "/readyz", port: "http" });
    expect(c.ports).toContainEqual(expect.objectContaining({ name: "http", containerPort: 8080 }));
    expect(c.resources?.requests).toMatchObject({ cpu: "100m", memory: "256Mi" });
    expect(c.env).toContainEqual({ name: "PEPR_WATCH_MODE", value: "true" });
    expect(c.env?.find(e => e.name === "HIGHLANDER_MODULE_HASH")?.value).toMatch(/^[0-9a-f]{64}$/);
    expect(c.volumeMounts).toContainEqual(
      expect.objectContaining({ mountPath: "/etc/highlander" }),
    );
    const kinds = list.items.map(o => `${o.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining(["Service", "PodDisruptionBudget", "ConfigMap", "ServiceAccount"]),
    );
    const pdb = list.items.find(o => o.kind === "PodDisruptionBudget") as {
      spec: { minAvailable: number };
    };
    expect(pdb.spec.minAvailable).toBe(1);
  });
});

describe.skipIf(!helm)("the Helm chart (needs helm: HIGHLANDER_HELM or PATH)", () => {
  const ns = `${other}-helm`;
  beforeAll(() => {
    k(["create", "namespace", ns]);
    // The module Secrets are too large for a Helm release: they are applied beside the chart.
    apply(["-n", ns, "-f", join(root, "dist", "highlander-module.yaml")], false);
  });
  afterAll(() => {
    kubectlResult(["delete", "namespace", ns, "--wait=false"]);
  });

  const chart = join(root, "dist", "highlander-chart");
  const helmRun = (args: string[]) =>
    spawnSync(helm ?? "helm", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

  it("passes helm lint, as built and as the packaged release .tgz", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    for (const c of [chart, join(root, "dist", `highlander-${pkg.version}.tgz`)]) {
      const r = helmRun(["lint", c]);
      expect(r.stderr + r.stdout).toContain("0 chart(s) failed");
      expect(r.status).toBe(0);
    }
  });

  it.each([
    ["storage.type=mysql", "/storage/type"],
    ["replicaCount=two", "/replicaCount"],
    ["lease.duration=5seconds", "/lease/duration"],
    ["watchNamespaces={Team_A}", "/watchNamespaces/0"],
    ["replicas=3", "replicas"],
  ])("refuses %s, naming the field", (bad, field) => {
    const r = helmRun(["template", "hl", chart, "--set", bad]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("values don't meet the specifications of the schema");
    expect(r.stderr).toContain(field);
  });

  it("renders identically twice (a GitOps re-render is a no-op), TLS Secret included", () => {
    const args = ["-n", ns, "--set", `watchNamespaces={default,${other}}`];
    const first = helmTemplate(args);
    expect(first).toContain("name: highlander-tls");
    expect(helmTemplate(args)).toBe(first);
  });

  it("renders the pod options as given", () => {
    const out = helmTemplate([
      "--set", "priorityClassName=system-cluster-critical",
      "--set", "serviceAccount.annotations.iam\\.gke\\.io/gcp-service-account=hl@p.iam.gserviceaccount.com",
      "--set", "extraEnv[0].name=EXTRA", "--set-string", "extraEnv[0].value=1",
      "--set", "initContainers[0].name=wait", "--set", "initContainers[0].image=busybox",
      "--set", "topologySpreadConstraints[0].maxSkew=1",
      "--set", "topologySpreadConstraints[0].topologyKey=topology.kubernetes.io/zone",
      "--set", "topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway",
    ]); // prettier-ignore
    const objs = parseAllDocuments(out).map(d => d.toJS() as Record<string, unknown>);
    const deploy = objs.find(o => o?.kind === "Deployment") as V1Deployment;
    const pod = deploy.spec!.template.spec!;
    expect(pod.priorityClassName).toBe("system-cluster-critical");
    expect(pod.initContainers?.map(c => c.name)).toEqual(["wait"]);
    expect(pod.containers[0].env).toContainEqual({ name: "EXTRA", value: "1" });
    expect(pod.affinity?.podAntiAffinity).toBeDefined();
    expect(pod.topologySpreadConstraints?.[0].topologyKey).toBe("topology.kubernetes.io/zone");
    const sa = objs.find(o => o?.kind === "ServiceAccount") as {
      metadata: { annotations?: Record<string, string> };
    };
    expect(sa.metadata.annotations).toEqual({
      "iam.gke.io/gcp-service-account": "hl@p.iam.gserviceaccount.com",
    });
  });

  it("renders the observability toggles: the shipped alerts, dashboard, ServiceMonitor and NetworkPolicy", () => {
    const out = helmTemplate([
      "-n", ns,
      "--set", "prometheusRule.enabled=true", "--set", "grafanaDashboard.enabled=true",
      "--set", "serviceMonitor.enabled=true", "--set", "networkPolicy.enabled=true",
    ]); // prettier-ignore
    const objs = parseAllDocuments(out).map(d => d.toJS() as Record<string, unknown>);
    const one = (kind: string) => objs.filter(o => o?.kind === kind);
    const [rule] = one("PrometheusRule") as { spec: unknown }[];
    const shipped = parseAllDocuments(
      readFileSync(join(root, "manifests", "optional", "prometheusrule.yaml"), "utf8"),
    )[0].toJS() as { spec: unknown };
    expect(rule.spec).toEqual(shipped.spec);
    const dashboard = one("ConfigMap").find(
      o => (o.metadata as { name: string }).name === "highlander-grafana-dashboard",
    ) as { data: Record<string, string> } | undefined;
    expect(JSON.parse(dashboard!.data["highlander.json"])).toEqual(
      JSON.parse(
        readFileSync(join(root, "manifests", "optional", "grafana-dashboard.json"), "utf8"),
      ),
    );
    expect(one("ServiceMonitor")).toHaveLength(1);
    expect(one("NetworkPolicy")).toHaveLength(1);
    // Off by default.
    const plain = helmTemplate(["-n", ns]);
    for (const kind of ["PrometheusRule", "ServiceMonitor", "NetworkPolicy"])
      expect(plain).not.toContain(`kind: ${kind}`);
    expect(plain).not.toContain("highlander-grafana-dashboard");
  });

  it("installs the storage drivers with an init container when drivers.install is set", () => {
    const out = helmTemplate([
      "--set", "drivers.install=true",
      "--set", "initContainers[0].name=wait", "--set", "initContainers[0].image=busybox",
    ]); // prettier-ignore
    const objs = parseAllDocuments(out).map(d => d.toJS() as Record<string, unknown>);
    const pod = (objs.find(o => o?.kind === "Deployment") as V1Deployment).spec!.template.spec!;
    expect(pod.initContainers?.map(c => c.name)).toEqual(["storage-drivers", "wait"]);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(pod.initContainers?.[0].command).toEqual(
      expect.arrayContaining([
        `ioredis@${pkg.dependencies.ioredis}`,
        `pg@${pkg.dependencies.pg}`,
        `@google-cloud/spanner@${pkg.dependencies["@google-cloud/spanner"]}`,
      ]),
    );
    expect(pod.containers[0].volumeMounts).toContainEqual(
      expect.objectContaining({ name: "drivers", mountPath: "/drivers", readOnly: true }),
    );
    expect(pod.volumes?.map(v => v.name)).toEqual(expect.arrayContaining(["drivers", "npm-tmp"]));
    // Off by default: the Lease backend needs no drivers.
    const plain = parseAllDocuments(helmTemplate([])).map(d => d.toJS() as Record<string, unknown>);
    const plainPod = (plain.find(o => o?.kind === "Deployment") as V1Deployment).spec!.template
      .spec!;
    expect(plainPod.initContainers).toBeUndefined();
  });

  it.each([
    ["cluster-wide", []],
    ["namespaced", ["--set", `watchNamespaces={default,${other}}`]],
    [
      "redis with an existing Secret",
      [
        "--set",
        "storage.type=redis",
        "--set",
        "storage.redis.addr=redis:6379",
        "--set",
        "storage.existingSecret=creds",
      ],
    ],
    [
      "redis with the drivers' init container",
      [
        "--set",
        "storage.type=redis",
        "--set",
        "storage.redis.addr=redis:6379",
        "--set",
        "drivers.install=true",
      ],
    ],
  ])("renders a %s release that the API server accepts", (_, extra) => {
    const rendered = helmTemplate(["-n", ns, "--set", "peprNamespace.create=false", ...extra]);
    const r = spawnSync(
      "kubectl",
      [
        "--kubeconfig",
        kubeconfig,
        "apply",
        "--server-side",
        "--dry-run=server",
        "-f",
        "-",
        "-o",
        "name",
      ],
      { input: rendered, encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("deployment.apps/highlander");
  });
});

describe("the default install, applied for real", () => {
  beforeAll(() => {
    apply(["-k", "manifests"], false);
  });

  it("runs two controller replicas on different nodes", async () => {
    await waitFor(
      "2 available highlander replicas",
      () => {
        const d = JSON.parse(
          k(["-n", "highlander-system", "get", "deployment", "highlander", "-o", "json"]),
        ) as V1Deployment;
        return (d.status?.availableReplicas ?? 0) >= 2 ? true : undefined;
      },
      60_000,
    );
    const nodes = k([
      "-n", "highlander-system", "get", "pods", "-l", "app.kubernetes.io/name=highlander",
      "-o", "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}",
    ]).trim().split("\n"); // prettier-ignore
    expect(nodes.length).toBe(2);
    expect(new Set(nodes).size).toBe(2);
  });

  it.each([
    "list workloadprocesses.highlander.plexobject.io -A",
    "watch workloadcronjobs.highlander.plexobject.io -A",
    "patch workloadservices.highlander.plexobject.io -n default",
    "update workloadpersistents.highlander.plexobject.io -n default",
    "patch workloadprocesses.highlander.plexobject.io/status -n default",
    "update workloadcronjobs.highlander.plexobject.io/finalizers -n default",
    "create pods -n default",
    "delete pods -n default",
    "create jobs.batch -n default",
    "patch deployments.apps -n default",
    "delete statefulsets.apps -n default",
    "create services -n default",
    "list persistentvolumeclaims -A",
    "create events -n default",
    "patch events -n default",
    "create leases.coordination.k8s.io -n highlander-system",
    "update leases.coordination.k8s.io -n highlander-system",
    "create peprstores.pepr.dev -n pepr-system",
    "watch peprstores.pepr.dev -n pepr-system",
    "create tokenreviews.authentication.k8s.io",
    "create subjectaccessreviews.authorization.k8s.io",
  ])("allows the ServiceAccount to %s", what => {
    const [verb, resource, ...rest] = what.split(" ");
    expect(canI(`${verb} ${resource}`, rest)).toBe(true);
  });

  it.each([
    "get secrets -A",
    "list secrets -n highlander-system",
    "list nodes",
    "create namespaces",
    "delete namespaces",
    "get configmaps -n default",
    "list daemonsets.apps -A",
    "create clusterroles.rbac.authorization.k8s.io",
    "create rolebindings.rbac.authorization.k8s.io -n default",
    "update pods -n default",
    "delete persistentvolumeclaims -n default",
    "create customresourcedefinitions.apiextensions.k8s.io",
    "delete workloadprocesses.highlander.plexobject.io -n default",
    "create leases.coordination.k8s.io -n default",
    "create peprstores.pepr.dev -n default",
    "update leaders.highlander.plexobject.io",
  ])("denies the ServiceAccount to %s", what => {
    const [verb, resource, ...rest] = what.split(" ");
    expect(canI(`${verb} ${resource}`, rest)).toBe(false);
  });

  it("authenticates as the ServiceAccount with its own token: allowed and forbidden requests", () => {
    const dir = mkdtempSync(join(tmpdir(), "highlander-sa-"));
    const sa = serviceAccountKubeconfig(
      kubeconfig,
      "highlander-system",
      "highlander",
      join(dir, "kubeconfig"),
    );
    expect(k(["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"], sa)).toBe(SA);
    expect(kubectlResult(["get", "workloadprocesses", "-A"], sa).status).toBe(0);
    expect(kubectlResult(["get", "pods", "-n", other], sa).status).toBe(0);
    const secrets = kubectlResult(["get", "secrets", "-n", "highlander-system"], sa);
    expect(secrets.status).not.toBe(0);
    expect(secrets.stderr).toContain("Forbidden");
    const nodes = kubectlResult(["get", "nodes"], sa);
    expect(nodes.stderr).toContain("Forbidden");
  });
});

describe("the built module, run by bootstrap.js as the ServiceAccount", () => {
  // What a pod of the Deployment does, as a local process: the module parts from the build's
  // Secrets in a load directory, bootstrap.js joining and running them, the ServiceAccount's token.
  let operator: ServerProcess;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "highlander-pod-"));
    const load = join(dir, "load");
    mkdirSync(load);
    const secrets = parseAllDocuments(
      readFileSync(join(root, "manifests/module/module-secrets.yaml"), "utf8"),
    );
    for (const doc of secrets) {
      const data = (doc.toJS() as { data: Record<string, string> }).data;
      for (const [key, value] of Object.entries(data))
        writeFileSync(join(load, key), Buffer.from(value, "base64"));
    }
    // In the image the module runs from /app, beside Pepr's node_modules.
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const hash = readFileSync(join(root, "manifests/module/kustomization.yaml"), "utf8").match(
      /[0-9a-f]{64}/,
    )?.[0];
    const sa = serviceAccountKubeconfig(
      kubeconfig,
      "highlander-system",
      "highlander",
      join(dir, "kubeconfig"),
    );
    port = await freePort();
    operator = startServer({
      name: "highlander-pod",
      command: process.execPath,
      args: [join(root, "manifests/core/bootstrap.js")],
      logDir: dir,
      ownerPid: process.pid,
      env: {
        ...process.env,
        KUBECONFIG: sa,
        HIGHLANDER_MODULE_HASH: hash,
        HIGHLANDER_MODULE_LOAD_DIR: load,
        HIGHLANDER_MODULE_RUN_DIR: dir,
        PEPR_WATCH_MODE: "true",
        SSL_KEY_PATH: join(root, "manifests/module/tls.key"),
        SSL_CERT_PATH: join(root, "manifests/module/tls.crt"),
        HIGHLANDER_PORT: String(port),
        HIGHLANDER_PEPR_PORT: String(await freePort()),
        HIGHLANDER_ID: "deploy-e2e",
        POD_NAMESPACE: "highlander-system",
        HIGHLANDER_LEASE_NAMESPACE: "highlander-system",
      },
    });
  });

  afterAll(async () => {
    await operator?.stop();
  });

  function log(): string {
    return readFileSync(operator.logFile, "utf8");
  }

  it("becomes ready and leads, holding the Lease in its own namespace", async () => {
    await waitFor(
      "the operator's /readyz",
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        return res.ok ? true : undefined;
      },
      90_000,
    ).catch(err => {
      throw new Error(`${(err as Error).message}\n${log().slice(-3000)}`);
    });
    const holder = await waitFor(
      "a Lease holder",
      () => {
        const out = k([
          "-n",
          "highlander-system",
          "get",
          "leases",
          "-o",
          "jsonpath={.items[*].spec.holderIdentity}",
        ]);
        return out.includes("deploy-e2e") ? out : undefined;
      },
      30_000,
    );
    expect(holder).toContain("deploy-e2e");
  });

  it("reconciles every workload kind with only the RBAC it was given", async () => {
    // The local control plane has no volume provisioner: a volume for the persistent example's claim.
    const pv = spawnSync("kubectl", ["--kubeconfig", kubeconfig, "apply", "-f", "-"], {
      encoding: "utf8",
      input: JSON.stringify({
        apiVersion: "v1", kind: "PersistentVolume",
        metadata: { name: `${other}-pv` },
        spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: `/tmp/${other}-pv` }, storageClassName: "" },
      }), // prettier-ignore
    });
    expect(pv.stderr).toBe("");
    const kinds = ["workloadprocess", "workloadcronjob", "workloadservice", "workloadpersistent"];
    for (const kind of kinds) {
      const example = readFileSync(join(root, `manifests/examples/${kind}.yaml`), "utf8").replace(
        "namespace: default",
        `namespace: ${other}`,
      );
      const r = spawnSync(
        "kubectl",
        ["--kubeconfig", kubeconfig, "apply", "--server-side", "-f", "-"],
        {
          input: example,
          encoding: "utf8",
        },
      );
      expect(r.stderr).toBe("");
    }
    for (const kind of kinds) {
      await waitFor(
        `every ${kind} to be Active and Healthy`,
        () => {
          const out = k([
            "-n",
            other,
            "get",
            kind,
            "-o",
            "jsonpath={range .items[*]}{.status.active}/{.status.healthy} {end}",
          ]).trim();
          return out !== "" && out.split(" ").every(v => v === "true/true") ? true : undefined;
        },
        90_000,
      ).catch(err => {
        throw new Error(`${(err as Error).message}\n${log().slice(-3000)}`);
      });
    }
    expect(k(["-n", other, "get", "pods", "-o", "name"]).trim()).not.toBe("");
    expect(log()).not.toMatch(/forbidden/i);
  });

  it("receives SIGTERM in the module itself, and releases the lock before exiting", async () => {
    process.kill(operator.pid, "SIGTERM");
    await waitFor(
      "the operator to exit",
      () => {
        try {
          process.kill(operator.pid, 0);
          return undefined;
        } catch {
          return true;
        }
      },
      30_000,
    );
    const holders = k([
      "-n",
      "highlander-system",
      "get",
      "leases",
      "-o",
      "jsonpath={.items[*].spec.holderIdentity}",
    ]);
    expect(holders).not.toContain("deploy-e2e");
  });
});

describe("namespaced mode", () => {
  beforeAll(() => {
    // Drop the cluster-wide grant, then install the namespaced RBAC (which manages "default").
    k(["delete", "clusterrolebinding", "highlander"]);
    apply(["-k", "manifests/rbac/namespaced"], false);
  });

  it("allows writes only in the watched namespace", () => {
    expect(canI("create pods", ["-n", "default"])).toBe(true);
    expect(canI("patch workloadprocesses.highlander.plexobject.io/status", ["-n", "default"])).toBe(
      true,
    );
    expect(canI("create pods", ["-n", other])).toBe(false);
    expect(canI("patch workloadprocesses.highlander.plexobject.io/status", ["-n", other])).toBe(
      false,
    );
    expect(canI("create events", ["-n", other])).toBe(false);
  });

  it("grants nothing cluster-wide: the operator lists and watches only the watched namespaces", () => {
    expect(canI("watch workloadprocesses.highlander.plexobject.io", ["-A"])).toBe(false);
    expect(canI("watch workloadprocesses.highlander.plexobject.io", ["-n", "default"])).toBe(true);
    expect(canI("list pods", ["-A"])).toBe(false);
    expect(canI("patch workloadprocesses.highlander.plexobject.io", ["-n", other])).toBe(false);
  });
});
