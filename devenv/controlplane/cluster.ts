// A real, local Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler, and kwok playing the kubelet for fake nodes. What controller-runtime's envtest does,
// plus the controllers and a node, so Deployments, Jobs and StatefulSets really run their course.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { join } from "node:path";
import { ensureBinaries } from "./build";
import { createPki, issueClientCert, type Pki } from "./pki";
import {
  isAlive,
  run,
  startServer,
  stopProcessGroup,
  tail,
  waitFor,
  type ServerProcess,
} from "../lib/processes";
import { freePort } from "../lib/ports";

export interface ClusterState {
  dir: string;
  kubeconfig: string;
  server: string;
  etcdUrl: string;
  /** PIDs (each its own process group) in start order. */
  pids: Record<string, number>;
}

/** A client identity of its own (for the audit log to tell writers apart): CN=name. */
interface ClientIdentity {
  name: string;
  cert: string;
  key: string;
  /** A kubeconfig for it that talks to the API server directly. */
  kubeconfig: string;
}

export interface Cluster extends ClusterState {
  pki: Pki;
  stop(): Promise<void>;
  /** The audit log (one JSON event per line) when started with `auditLog: true`. */
  auditLogPath?: string;
  /** The identities asked for with `clientIdentities`, by name. */
  identities: Record<string, ClientIdentity>;
  /**
   * Writes a kubeconfig for identity `name` that talks to `server` (a proxy in front of the API
   * server, say) and returns its path.
   */
  writeIdentityKubeconfig(name: string, server: string): string;
  /** Stops kube-apiserver and starts it again with the same arguments and port; waits for /readyz. */
  restartApiserver(): Promise<void>;
}

/** The group every identity of `clientIdentities` is in; bound to cluster-admin. */
export const OPERATOR_GROUP = "highlander:operators";

export interface ClusterOptions {
  /** Folder for certificates, data, logs and the kubeconfig; emptied first. */
  dir: string;
  /** Tie the processes' lifetime to this PID (a test run); omit for `cluster:up`. */
  ownerPid?: number;
  /** Fake nodes kwok manages. */
  nodes?: number;
  /** Printed in progress lines, to tell two clusters apart. */
  name?: string;
  /**
   * Keep an audit log in `<dir>/audit.log`: writes (metadata and request body) of every user, nothing
   * for reads. The fault-injection suite reads it to judge writes without trusting the writers.
   */
  auditLog?: boolean;
  /**
   * With `auditLog`: also every request (reads and watches too, metadata only) of the
   * `clientIdentities`, so a benchmark counts the API calls an operator makes without trusting it.
   */
  auditOperatorReads?: boolean;
  /**
   * Client certificates to mint with the throwaway CA, one per name (CN=name, O=highlander:operators),
   * each with a kubeconfig `<dir>/kubeconfig-<name>`. The group is bound to cluster-admin.
   */
  clientIdentities?: string[];
}

/**
 * The audit policy: one event per request (at ResponseComplete), request bodies for writes, nothing
 * for reads and watches (they would swamp the log and say nothing about fencing).
 */
const AUDIT_POLICY = JSON.stringify({
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  omitStages: ["RequestReceived"],
  rules: [
    { level: "None", verbs: ["get", "list", "watch"] },
    { level: "None", nonResourceURLs: ["/*"] },
    // Node heartbeats of kwok: frequent, and nothing the operators write.
    { level: "None", resources: [{ group: "coordination.k8s.io", resources: ["leases"] }], namespaces: ["kube-node-lease"] },
    { level: "Request", verbs: ["create", "update", "patch", "delete", "deletecollection"] },
  ],
}); // prettier-ignore

/** AUDIT_POLICY with every request of OPERATOR_GROUP first (the first matching rule wins). */
function auditPolicyWithOperatorReads(): string {
  const policy = JSON.parse(AUDIT_POLICY) as { rules: object[] };
  policy.rules.unshift({ level: "Metadata", userGroups: [OPERATOR_GROUP] });
  return JSON.stringify(policy);
}

function operatorBinding(): string {
  return JSON.stringify({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "highlander-operators-admin" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: OPERATOR_GROUP }],
  });
}

const FAKE_NODE_ANNOTATION = "kwok.x-k8s.io/node";

/** Where the state of a running cluster is kept, so `cluster:up` can find it again. */
function stateFile(dir: string): string {
  return join(dir, "state.json");
}

function kubeconfigYaml(server: string, pki: Pki, cert: string, key: string, user: string): string {
  const b64 = (file: string) => readFileSync(file).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: highlander-local",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(pki.caCert)}`,
    "users:",
    `- name: ${user}`,
    "  user:",
    `    client-certificate-data: ${b64(cert)}`,
    `    client-key-data: ${b64(key)}`,
    "contexts:",
    "- name: highlander-local",
    "  context:",
    "    cluster: highlander-local",
    `    user: ${user}`,
    "current-context: highlander-local",
    "",
  ].join("\n");
}

/** A keep-alive agent that talks to the API server with the admin certificate. */
export function adminAgent(pki: Pki, maxSockets = Infinity): Agent {
  return new Agent({
    keepAlive: true,
    maxSockets,
    ca: readFileSync(pki.caCert),
    cert: readFileSync(pki.adminCert),
    key: readFileSync(pki.adminKey),
  });
}

/**
 * One request to the API server with the admin certificate (over `agent` when given, else a
 * connection of its own); resolves with status and body whatever the status.
 */
export function apiRequest(
  server: string,
  pki: Pki,
  path: string,
  opts: {
    method?: string;
    body?: unknown;
    contentType?: string;
    agent?: Agent;
    timeoutMs?: number;
  } = {},
): Promise<{ status: number; body: string }> {
  const credentials = opts.agent
    ? { agent: opts.agent }
    : {
        ca: readFileSync(pki.caCert),
        cert: readFileSync(pki.adminCert),
        key: readFileSync(pki.adminKey),
      };
  return new Promise((resolve, reject) => {
    const req = request(
      `${server}${path}`,
      {
        method: opts.method ?? "GET",
        headers: opts.contentType ? { "content-type": opts.contentType } : {},
        timeout: opts.timeoutMs ?? 5000,
        ...credentials,
      },
      res => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

function nodeManifest(name: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [FAKE_NODE_ANNOTATION]: "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node-role.kubernetes.io/agent": "",
        type: "kwok",
      },
    },
    spec: {},
    status: {
      allocatable: { cpu: "32", memory: "256Gi", pods: "250" },
      capacity: { cpu: "32", memory: "256Gi", pods: "250" },
    },
  });
}

export function kubectl(kubeconfig: string, args: string[], input?: string): string {
  if (input === undefined) return run("kubectl", ["--kubeconfig", kubeconfig, ...args]);
  const file = join(
    process.env.TMPDIR ?? "/tmp",
    `highlander-kubectl-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
  );
  writeFileSync(file, input);
  try {
    return run("kubectl", ["--kubeconfig", kubeconfig, ...args, "-f", file]);
  } finally {
    rmSync(file, { force: true });
  }
}

/** Starts a fresh control plane in `opts.dir` and waits until a node is Ready. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const label = opts.name ?? "cluster";
  const say = (msg: string) => process.stderr.write(`[highlander] ${label}: ${msg}\n`);
  const started = Date.now();
  const bin = await ensureBinaries();
  rmSync(opts.dir, { recursive: true, force: true });
  const pkiDir = join(opts.dir, "pki");
  const logDir = join(opts.dir, "logs");
  const pidDir = join(opts.dir, "pids");
  mkdirSync(pkiDir, { recursive: true });
  const pki = createPki(pkiDir);
  const processes: ServerProcess[] = [];
  const stop = async () => {
    for (const proc of [...processes].reverse()) await proc.stop();
    processes.length = 0;
  };
  const launch = (name: string, args: string[]) => {
    const proc = startServer({
      name,
      command: join(bin, name),
      args,
      logDir,
      pidDir,
      ownerPid: opts.ownerPid,
    });
    processes.push(proc);
    return proc;
  };

  try {
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcd = launch("etcd", [
      `--data-dir=${join(opts.dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ]);
    await waitFor(
      "etcd to answer /health",
      async () => {
        if (!isAlive(etcd.pid)) throw new Error(`etcd exited:\n${tail(etcd.logFile)}`);
        const res = await fetch(`${etcdUrl}/health`).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      30_000,
    );
    say(`etcd ready on ${etcdUrl}`);

    const server = `https://127.0.0.1:${apiPort}`;
    const auditLogPath = opts.auditLog ? join(opts.dir, "audit.log") : undefined;
    const auditArgs: string[] = [];
    if (auditLogPath) {
      const policy = join(opts.dir, "audit-policy.json");
      writeFileSync(
        policy,
        opts.auditOperatorReads ? auditPolicyWithOperatorReads() : AUDIT_POLICY,
      );
      // Blocking mode: an event is on disk before the response goes out, so the auditor never
      // misses a write that a client saw answered. No rotation: one file for the whole run (a
      // maxsize of 0 is not "no limit": the rotation library then rotates at 100 MB, which a scale
      // bench of 10,000 workloads reached within a minute; readers fail on a rotated log).
      auditArgs.push(
        `--audit-policy-file=${policy}`,
        `--audit-log-path=${auditLogPath}`,
        "--audit-log-format=json",
        "--audit-log-mode=blocking",
        "--audit-log-maxsize=1000000",
      );
    }
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${pkiDir}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      "--authorization-mode=RBAC",
      "--service-cluster-ip-range=10.0.0.0/24",
      "--allow-privileged=true",
      "--endpoint-reconciler-type=none",
      "--enable-priority-and-fairness=false",
      "--profiling=false",
      "--v=0",
      ...auditArgs,
    ];
    const apiserverReady = (apiserver: ServerProcess) =>
      waitFor(
        "kube-apiserver /readyz",
        async () => {
          if (!isAlive(apiserver.pid))
            throw new Error(`kube-apiserver exited:\n${tail(apiserver.logFile)}`);
          const res = await apiRequest(server, pki, "/readyz").catch(() => undefined);
          return res?.status === 200 ? true : undefined;
        },
        120_000,
        250,
      );
    await apiserverReady(launch("kube-apiserver", apiserverArgs));
    say(`kube-apiserver ready on ${server}`);

    const kubeconfig = join(opts.dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml(server, pki, pki.adminCert, pki.adminKey, "admin"), {
      mode: 0o600,
    });

    launch("kube-controller-manager", [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      "--leader-elect=false",
      "--secure-port=0",
      "--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller",
      "--concurrent-deployment-syncs=10",
      "--concurrent-statefulset-syncs=10",
      "--concurrent-job-syncs=10",
      "--concurrent-gc-syncs=20",
      "--kube-api-qps=200",
      "--kube-api-burst=400",
    ]);
    launch("kube-scheduler", [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      "--leader-elect=false",
      "--secure-port=0",
      "--kube-api-qps=200",
      "--kube-api-burst=400",
    ]);
    launch("kwok", [
      `--kubeconfig=${kubeconfig}`,
      "--manage-all-nodes=false",
      `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION}=fake`,
      "--cidr=10.0.1.0/24",
      "--node-ip=10.0.2.1",
      "--node-lease-duration-seconds=40",
    ]);

    const nodeNames = Array.from({ length: opts.nodes ?? 2 }, (_, i) => `kwok-node-${i}`);
    for (const name of nodeNames) kubectl(kubeconfig, ["apply", "-o", "name"], nodeManifest(name));
    await waitFor(
      "the fake nodes to be Ready",
      () => {
        const out = kubectl(kubeconfig, [
          "get", "nodes", "-o",
          'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
        ]); // prettier-ignore
        const ready = out.split("\n").filter(line => line.endsWith("=True")).length;
        return ready >= nodeNames.length ? true : undefined;
      },
      60_000,
      500,
    );
    await waitFor(
      "the default service account",
      () => {
        try {
          kubectl(kubeconfig, ["get", "serviceaccount", "default", "-n", "default", "-o", "name"]);
          return true;
        } catch {
          return undefined;
        }
      },
      60_000,
      500,
    );
    say(
      `ready with ${nodeNames.length} kwok nodes in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const writeIdentityKubeconfig = (name: string, at: string): string => {
      const file = join(
        opts.dir,
        at === server ? `kubeconfig-${name}` : `kubeconfig-${name}-proxy`,
      );
      const cert = join(pkiDir, `client-${name}.crt`);
      const key = join(pkiDir, `client-${name}.key`);
      writeFileSync(file, kubeconfigYaml(at, pki, cert, key, name), { mode: 0o600 });
      return file;
    };
    const identities: Record<string, ClientIdentity> = {};
    if (opts.clientIdentities?.length) {
      kubectl(kubeconfig, ["apply", "-o", "name"], operatorBinding());
      for (const name of opts.clientIdentities) {
        const { cert, key } = issueClientCert(pki, `client-${name}`, name, [OPERATOR_GROUP]);
        identities[name] = { name, cert, key, kubeconfig: writeIdentityKubeconfig(name, server) };
      }
    }

    const saveState = (): ClusterState => {
      const pids = Object.fromEntries(processes.map(p => [p.name, p.pid]));
      const state: ClusterState = { dir: opts.dir, kubeconfig, server, etcdUrl, pids };
      writeFileSync(stateFile(opts.dir), JSON.stringify(state, null, 2));
      return state;
    };
    const restartApiserver = async () => {
      const index = processes.findIndex(p => p.name === "kube-apiserver");
      if (index < 0) throw new Error("kube-apiserver is not running");
      await processes[index].stop();
      processes.splice(index, 1);
      // Same arguments, same port: clients reconnect to where they were.
      const next = launch("kube-apiserver", apiserverArgs);
      // Keep start order (stop() goes newest first): the API server right after etcd.
      processes.splice(processes.indexOf(next), 1);
      processes.splice(index, 0, next);
      await apiserverReady(next);
      saveState();
    };
    const state = saveState();
    return {
      ...state,
      pki,
      stop,
      auditLogPath,
      identities,
      writeIdentityKubeconfig,
      restartApiserver,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Reads the state of a cluster started earlier in `dir`, if its API server still answers. */
export async function findRunningCluster(dir: string): Promise<ClusterState | undefined> {
  const file = stateFile(dir);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, "utf8")) as ClusterState;
  if (!Object.values(state.pids).every(isAlive)) return undefined;
  const pki = createPkiView(join(dir, "pki"));
  const res = await apiRequest(state.server, pki, "/readyz").catch(() => undefined);
  return res?.status === 200 ? state : undefined;
}

function createPkiView(dir: string): Pki {
  return {
    dir,
    caCert: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    serverCert: join(dir, "apiserver.crt"),
    serverKey: join(dir, "apiserver.key"),
    serviceAccountKey: join(dir, "sa.key"),
    serviceAccountPub: join(dir, "sa.pub"),
    adminCert: join(dir, "admin.crt"),
    adminKey: join(dir, "admin.key"),
  };
}

/** Stops every process a cluster in `dir` recorded, newest first; returns how many ran. */
export async function stopClusterInDir(dir: string): Promise<number> {
  const file = stateFile(dir);
  const pidDir = join(dir, "pids");
  const pids: number[] = [];
  if (existsSync(file)) {
    const state = JSON.parse(readFileSync(file, "utf8")) as ClusterState;
    pids.push(...Object.values(state.pids));
  }
  if (existsSync(pidDir)) {
    for (const name of [
      "kwok",
      "kube-scheduler",
      "kube-controller-manager",
      "kube-apiserver",
      "etcd",
    ]) {
      const pidFile = join(pidDir, `${name}.pid`);
      if (existsSync(pidFile)) pids.push(Number.parseInt(readFileSync(pidFile, "utf8"), 10));
    }
  }
  const unique = [...new Set(pids)].filter(pid => Number.isInteger(pid) && pid > 0).reverse();
  let stopped = 0;
  for (const pid of unique) {
    if (isAlive(pid)) {
      await stopProcessGroup(pid);
      stopped++;
    }
  }
  rmSync(file, { force: true });
  rmSync(pidDir, { recursive: true, force: true });
  return stopped;
}
