// Cluster failover: two real local control planes whose operators share one Redis lock. The leading
// cluster runs the workloads; the other keeps its copies stopped and says which cluster is active.
// Stopping the leading cluster's operator moves the workloads; restarting it leaves it standing by.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kubectl, startCluster, type Cluster } from "../devenv/controlplane/cluster";
import { startRedis, type RedisService } from "../devenv/services/redis";
import { prepareCluster } from "../devenv/lib/module";
import { waitFor } from "../devenv/lib/processes";
import {
  FAST_LEASE,
  startOperator,
  stopOperators,
  type OperatorProcess,
  waitUntilLeading,
} from "../devenv/lib/operator";

const kubeconfigA = inject("kubeconfig");
const ns = `multi-${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), "highlander-multi-"));
let clusterB: Cluster | undefined;
let redis: RedisService | undefined;
const operators: OperatorProcess[] = [];

interface Status {
  active?: boolean;
  healthy?: boolean;
  message?: string;
}

function status(kubeconfig: string, kind: string, name: string): Status | undefined {
  try {
    return (
      JSON.parse(kubectl(kubeconfig, ["get", kind, name, "-n", ns, "-o", "json"])) as {
        status?: Status;
      }
    ).status;
  } catch {
    return undefined;
  }
}

function podNames(kubeconfig: string): string[] {
  const out = kubectl(kubeconfig, [
    "get",
    "pods",
    "-n",
    ns,
    "-l",
    "highlander.plexobject.io/workload=mover",
    "-o",
    "jsonpath={.items[*].metadata.name}",
  ]).trim();
  return out === "" ? [] : out.split(/\s+/);
}

function deploymentReplicas(kubeconfig: string): number | undefined {
  const out = kubectl(kubeconfig, [
    "get",
    "deployment",
    "web",
    "-n",
    ns,
    "-o",
    "jsonpath={.spec.replicas}",
  ]).trim();
  return out === "" ? undefined : Number(out);
}

const workloads = [
  {
    apiVersion: "highlander.plexobject.io/v1",
    kind: "WorkloadProcess",
    metadata: { name: "mover", namespace: ns },
    spec: { image: "busybox", script: { commands: ["sleep 3600"] }, restartPolicy: "Always" },
  },
  {
    apiVersion: "highlander.plexobject.io/v1",
    kind: "WorkloadService",
    metadata: { name: "web", namespace: ns },
    spec: { image: "nginx", replicas: 2, ports: [{ name: "http", containerPort: 8080 }] },
  },
];

async function operatorFor(
  name: string,
  kubeconfig: string,
  cluster: string,
): Promise<OperatorProcess> {
  const op = await startOperator({
    name,
    kubeconfig,
    dir,
    env: {
      ...FAST_LEASE,
      HIGHLANDER_STORAGE_TYPE: "redis",
      HIGHLANDER_REDIS_ADDR: redis?.url.replace(/^redis:\/\//, "") ?? "",
      HIGHLANDER_CLUSTER_NAME: cluster,
      HIGHLANDER_TENANT: "default",
    },
  });
  operators.push(op);
  return op;
}

async function untilRunsIn(kubeconfig: string, what: string): Promise<void> {
  await waitFor(
    `workloads to run in ${what}`,
    () => {
      const p = status(kubeconfig, "workloadprocess", "mover");
      const s = status(kubeconfig, "workloadservice", "web");
      return p?.active &&
        p.healthy &&
        s?.active &&
        s.healthy &&
        podNames(kubeconfig).length === 1 &&
        deploymentReplicas(kubeconfig) === 2
        ? true
        : undefined;
    },
    45_000,
    500,
  );
}

async function untilStoppedIn(
  kubeconfig: string,
  what: string,
  activeCluster: string,
): Promise<void> {
  await waitFor(
    `workloads to be stopped in ${what}`,
    () => {
      const p = status(kubeconfig, "workloadprocess", "mover");
      const s = status(kubeconfig, "workloadservice", "web");
      const named = p?.message?.includes(activeCluster) && s?.message?.includes(activeCluster);
      return p?.active === false &&
        s?.active === false &&
        named &&
        podNames(kubeconfig).length === 0 &&
        deploymentReplicas(kubeconfig) === 0
        ? true
        : undefined;
    },
    45_000,
    500,
  );
}

describe("two clusters sharing one Redis lock", () => {
  beforeAll(async () => {
    redis = await startRedis({ dir: join(dir, "redis"), ownerPid: process.pid });
    clusterB = await startCluster({
      dir: join(dir, "cluster-b"),
      ownerPid: process.pid,
      name: "cluster B",
    });
    prepareCluster(clusterB.kubeconfig);
    for (const kubeconfig of [kubeconfigA, clusterB.kubeconfig]) {
      kubectl(kubeconfig, ["create", "namespace", ns]);
      for (const w of workloads) kubectl(kubeconfig, ["apply"], JSON.stringify(w));
    }
  });

  afterAll(async () => {
    await stopOperators(...operators);
    await clusterB?.stop();
    await redis?.stop();
  });

  it("runs the workloads only in the leading cluster, moves them when its operator stops, and a returning operator stands by", async () => {
    const b = clusterB?.kubeconfig ?? "";
    const opA = await operatorFor("op-east", kubeconfigA, "east");
    await waitUntilLeading(opA);
    const opB = await operatorFor("op-west", b, "west");

    await untilRunsIn(kubeconfigA, "east");
    await untilStoppedIn(b, "west", "east");

    // The leading cluster's controller goes away: west takes over, east's copies are left as they were
    // (nobody in east acts any more), and the workloads come up in west.
    opA.kill("SIGTERM");
    await opA.exited();
    await untilRunsIn(b, "west");
    expect((await opB.api<{ isLeader: boolean }>("/api/leader")).isLeader).toBe(true);

    // East's operator returns: west still holds the lock, so east stands by and stops its copies.
    const opA2 = await operatorFor("op-east-2", kubeconfigA, "east");
    await untilStoppedIn(kubeconfigA, "east", "west");
    expect((await opA2.api<{ isLeader: boolean }>("/api/leader")).isLeader).toBe(false);
    await untilRunsIn(b, "west");
  });
});
