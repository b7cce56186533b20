// The generic reconcile and each kind's observe/converge/keep-stopped, against the in-memory API
// (fake-api.ts) with the real client and guarded writer. The real API server is the e2e suites' job.
import type { V1Deployment, V1Job, V1Pod, V1Service, V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { resourcePath, type KubeObject } from "../../runtime/kube-client";
import { API_VERSION } from "../crd/group";
import type { WorkloadStatus } from "../crd/types";
import { CachedReader, writesInto } from "../../runtime/cached-reader";
import { ObjectCache } from "../../runtime/object-cache";
import { GuardedWriter } from "../../runtime/writer";
import { FakeApi, FakeEvents, fakeContext } from "./fake-api";
import { reconcileWorkload } from "./reconcile";
import { FINALIZER } from "./reconcile-kind";

const NS = "apps";
const T0 = new Date("2026-12-01T10:00:30Z");

interface Stored extends KubeObject {
  spec?: Record<string, unknown>;
  status?: WorkloadStatus;
}

function workloadPath(kind: string, name: string): string {
  return resourcePath({ apiVersion: API_VERSION, kind, namespace: NS, name });
}

function childPath(apiVersion: string, kind: string, name: string): string {
  return resourcePath({ apiVersion, kind, namespace: NS, name });
}

function seedWorkload(
  api: FakeApi,
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  finalizers = [FINALIZER],
): Stored {
  return api.seed<Stored>(workloadPath(kind, name), {
    apiVersion: API_VERSION,
    kind,
    metadata: { name, namespace: NS, generation: 1, finalizers },
    spec,
  });
}

function condition(obj: Stored | undefined, type: string) {
  return obj?.status?.conditions?.find(c => c.type === type);
}

async function reconcile(api: FakeApi, kind: string, name: string, rc = {}, now = T0) {
  const events = new FakeEvents();
  const result = await reconcileWorkload(
    { kind, namespace: NS, name },
    fakeContext(api, events, now, rc),
  );
  return { result, events, workload: api.at<Stored>(workloadPath(kind, name)) };
}

describe("reconcileWorkload: WorkloadProcess", () => {
  const podPath = childPath("v1", "Pod", "worker");

  it("adds its finalizer first, then creates the pod, and reports Ready once the pod is", async () => {
    const api = new FakeApi();
    seedWorkload(api, "WorkloadProcess", "worker", { image: "busybox" }, []);

    const first = await reconcile(api, "WorkloadProcess", "worker");
    expect(first.result).toEqual({ requeueAfterMs: 0 });
    expect(first.workload?.metadata?.finalizers).toEqual([FINALIZER]);
    expect(api.at(podPath)).toBeUndefined();

    const second = await reconcile(api, "WorkloadProcess", "worker");
    const pod = api.at<V1Pod>(podPath);
    expect(pod?.metadata?.annotations?.["highlander.plexobject.io/epoch"]).toBe("3");
    expect(second.events.reasons()).toEqual(["PodCreated"]);
    expect(condition(second.workload, "Ready")?.status).toBe("False");
    expect(second.workload?.status?.leader).toEqual({ id: "east-0", cluster: "east", epoch: 3 });

    api.seed(podPath, {
      ...pod,
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    });
    const third = await reconcile(api, "WorkloadProcess", "worker");
    expect(third.workload?.status).toMatchObject({
      active: true,
      healthy: true,
      podName: "worker",
    });
    expect(condition(third.workload, "Ready")).toMatchObject({ status: "True", reason: "Running" });
  });

  it("leaves a pod it does not own alone and shows the clash as Stalled", async () => {
    const api = new FakeApi();
    seedWorkload(api, "WorkloadProcess", "worker", { image: "busybox" });
    api.seed(podPath, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "worker", namespace: NS },
    });
    const writesBefore = api.writes.length;

    await expect(reconcile(api, "WorkloadProcess", "worker")).rejects.toThrow(/does not own/);
    const workload = api.at<Stored>(workloadPath("WorkloadProcess", "worker"));
    expect(condition(workload, "Stalled")).toMatchObject({
      status: "True",
      reason: "ChildConflict",
    });
    expect(api.at<V1Pod>(podPath)?.metadata?.ownerReferences).toBeUndefined();
    // The only write is the status.
    expect(api.writes.slice(writesBefore)).toEqual([
      `PATCH ${workloadPath("WorkloadProcess", "worker")}/status`,
    ]);
  });

  it("creates nothing for an invalid spec and says why, once", async () => {
    const api = new FakeApi();
    seedWorkload(api, "WorkloadProcess", "worker", {
      image: "busybox",
      restartPolicy: "Sometimes",
    });

    const { workload, events } = await reconcile(api, "WorkloadProcess", "worker");
    expect(api.at(podPath)).toBeUndefined();
    expect(condition(workload, "InvalidSpec")?.status).toBe("True");
    expect(events.events).toEqual([
      expect.objectContaining({ type: "Warning", reason: "InvalidSpec" }),
    ]);
    const again = await reconcile(api, "WorkloadProcess", "worker");
    expect(again.events.events).toEqual([]);
  });

  it("on a standby cluster deletes the pod and names the active cluster", async () => {
    const api = new FakeApi();
    const cr = seedWorkload(api, "WorkloadProcess", "worker", { image: "busybox" });
    api.seed(podPath, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "worker",
        namespace: NS,
        ownerReferences: [
          {
            apiVersion: API_VERSION,
            kind: "WorkloadProcess",
            name: "worker",
            uid: cr.metadata?.uid ?? "",
            controller: true,
          },
        ],
      },
    });
    const standby = {
      mode: "standby-cluster" as const,
      leader: { id: "west-0", cluster: "west", epoch: 3 },
    };

    const { result, workload, events } = await reconcile(api, "WorkloadProcess", "worker", standby);
    expect(api.at(podPath)).toBeUndefined();
    expect(events.reasons()).toEqual(["Stopped"]);
    expect(result).toEqual({ requeueAfterMs: 1000 });
    expect(workload?.status?.message).toBe(
      "cluster west is active; this cluster (east) keeps the workload stopped",
    );
  });
});

/**
 * A context that reads through a watch cache synced from the fake API (Pods with our label, the
 * process workloads) and writes through to it, as the operator does; no watch event arrives unless
 * the test delivers one.
 */
async function cachedContext(api: FakeApi) {
  const cache = new ObjectCache();
  const scopes: { apiVersion: string; kind: string; labels: Record<string, string> }[] = [
    { apiVersion: "v1", kind: "Pod", labels: { "app.kubernetes.io/managed-by": "highlander" } },
    { apiVersion: API_VERSION, kind: "WorkloadProcess", labels: {} },
  ];
  for (const { apiVersion, kind, labels } of scopes) {
    cache.register({ kind, namespace: "", labels });
    cache.listed({ kind, namespace: "" }, await api.list({ apiVersion, kind, namespace: NS }), "0");
  }
  const writer = new GuardedWriter(
    api,
    { check: () => ({ epoch: 3 }) },
    {
      backend: "test",
      written: writesInto(cache),
    },
  );
  return { cache, rc: { client: new CachedReader(cache, api, new Set(["Pod"])), writer } };
}

describe("reconcileWorkload: reading from the watch cache", () => {
  const podPath = childPath("v1", "Pod", "worker");

  it("counts a restart once although no watch event has told it about its own writes", async () => {
    const api = new FakeApi();
    seedWorkload(api, "WorkloadProcess", "worker", { image: "busybox", restartPolicy: "Always" });
    await reconcile(api, "WorkloadProcess", "worker");
    const pod = api.at<V1Pod>(podPath);
    api.seed(podPath, {
      ...pod,
      status: { phase: "Failed", startTime: new Date("2026-12-01T09:00:00Z") },
    });
    const { cache, rc } = await cachedContext(api);

    const first = await reconcile(api, "WorkloadProcess", "worker", rc);
    expect(first.events.reasons()).toEqual(["Restarting"]);
    expect(first.workload?.status?.restartCount).toBe(1);
    const writes = api.writes.length;

    // The watch has not said the pod is gone: it is terminating; nothing is counted or deleted again
    // (the status may say it is terminating).
    const second = await reconcile(api, "WorkloadProcess", "worker", rc);
    expect(second.events.reasons()).toEqual([]);
    expect(second.workload?.status?.restartCount).toBe(1);
    expect(api.writes.slice(writes).filter(w => !w.endsWith("/status"))).toEqual([]);

    // Once the watch delivers the deletion, the next pass creates the new pod.
    cache.remove(pod ?? {});
    const third = await reconcile(api, "WorkloadProcess", "worker", rc);
    expect(third.events.reasons()).toEqual(["PodCreated"]);
    expect(third.workload?.status?.restartCount).toBe(1);
  });
});

describe("reconcileWorkload: deletion, read from the watch cache", () => {
  /** A WorkloadProcess being deleted (no pod left), as both the API and the synced cache hold it. */
  async function deletingInCache() {
    const api = new FakeApi();
    const cr = seedWorkload(api, "WorkloadProcess", "worker", { image: "busybox" });
    api.seed(workloadPath("WorkloadProcess", "worker"), {
      ...cr,
      metadata: { ...cr.metadata, deletionTimestamp: "2026-12-01T10:01:00Z" },
    });
    return { api, rc: (await cachedContext(api)).rc };
  }

  it("a pass right after the finalizer came off writes nothing, before the watch says it is gone", async () => {
    const { api, rc } = await deletingInCache();

    const first = await reconcile(api, "WorkloadProcess", "worker", rc);
    expect(first.workload).toBeUndefined();
    expect(first.events.reasons()).toEqual(["Stopped"]);
    const writes = api.writes.length;
    // The API server's answer to that patch carried the resourceVersion from before; had the cache
    // kept its copy with the finalizer, this pass would patch again and get 404 (seen at 10,000).
    const second = await reconcile(api, "WorkloadProcess", "worker", rc);
    expect(second.events.reasons()).toEqual([]);
    expect(api.writes.slice(writes)).toEqual([]);
  });

  it("a workload already gone when its finalizer is taken off is done, not an error", async () => {
    const { api, rc } = await deletingInCache();
    // Someone else finished the deletion; the cache has not heard yet.
    api.objects.delete(workloadPath("WorkloadProcess", "worker"));

    const pass = await reconcile(api, "WorkloadProcess", "worker", rc);
    expect(pass.result).toBeUndefined();
    expect(pass.events.reasons()).toEqual([]);
  });
});

describe("reconcileWorkload: a pod name held by a pod that is not ours", () => {
  it("is seen when the create is refused (the cache never holds it), left alone, and shown as Stalled", async () => {
    const api = new FakeApi();
    seedWorkload(api, "WorkloadProcess", "worker", { image: "busybox" });
    const { rc } = await cachedContext(api);
    // Unlabelled: no watch of ours delivers it, so the cache cannot hold it.
    api.seed(childPath("v1", "Pod", "worker"), {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "worker", namespace: NS },
    });
    const writes = api.writes.length;

    await expect(reconcile(api, "WorkloadProcess", "worker", rc)).rejects.toThrow(/does not own/);
    const workload = api.at<Stored>(workloadPath("WorkloadProcess", "worker"));
    expect(condition(workload, "Stalled")).toMatchObject({
      status: "True",
      reason: "ChildConflict",
    });
    expect(
      api.at<V1Pod>(childPath("v1", "Pod", "worker"))?.metadata?.ownerReferences,
    ).toBeUndefined();
    // The refused create and the status; nothing was written to the other pod.
    expect(api.writes.slice(writes)).toEqual([
      `POST ${resourcePath({ apiVersion: "v1", kind: "Pod", namespace: NS })}`,
      `PATCH ${workloadPath("WorkloadProcess", "worker")}/status`,
    ]);
  });
});

describe("reconcileWorkload: WorkloadCronJob", () => {
  it("creates one Job for the due tick, once, records the tick on the next pass and comes back after the next", async () => {
    const api = new FakeApi();
    api.seed(workloadPath("WorkloadCronJob", "report"), {
      apiVersion: API_VERSION,
      kind: "WorkloadCronJob",
      metadata: {
        name: "report",
        namespace: NS,
        generation: 1,
        finalizers: [FINALIZER],
        creationTimestamp: "2026-12-01T10:00:30Z",
      },
      spec: { image: "busybox", schedule: "*/5 * * * *" },
    });
    const now = new Date("2026-12-01T10:05:10Z");

    // The Job goes out first; the status waits for the next pass, which comes at once.
    const first = await reconcile(api, "WorkloadCronJob", "report", {}, now);
    const jobs = [...api.objects.keys()].filter(p => p.includes("/jobs/"));
    expect(jobs).toHaveLength(1);
    expect(first.events.reasons()).toEqual(["JobCreated"]);
    expect(first.workload?.status?.lastScheduleTime).toBeUndefined();
    expect(first.result).toEqual({ requeueAfterMs: 0 });

    const second = await reconcile(api, "WorkloadCronJob", "report", {}, now);
    expect([...api.objects.keys()].filter(p => p.includes("/jobs/"))).toEqual(jobs);
    expect(second.events.reasons()).toEqual([]);
    expect(second.workload?.status?.lastScheduleTime).toBe("2026-12-01T10:05:00.000Z");
    expect(second.workload?.status?.nextScheduleTime).toBe("2026-12-01T10:10:00.000Z");
    expect(second.result).toEqual({ requeueAfterMs: 4 * 60_000 + 50_000 + 50 });
    expect(api.at<V1Job>(jobs[0])?.metadata?.labels?.["highlander.plexobject.io/kind"]).toBe(
      "cronjob",
    );
  });
});

describe("reconcileWorkload: WorkloadService", () => {
  const deploymentPath = childPath("apps/v1", "Deployment", "web");
  const servicePath = childPath("v1", "Service", "web");

  it("applies the Deployment and Service, removes the Service with the ports, and stops on deletion", async () => {
    const api = new FakeApi();
    const spec = { image: "nginx", replicas: 2, ports: [{ containerPort: 80 }] };
    seedWorkload(api, "WorkloadService", "web", spec);

    await reconcile(api, "WorkloadService", "web");
    expect(api.at<V1Deployment>(deploymentPath)?.spec?.replicas).toBe(2);
    expect(api.at<V1Service>(servicePath)?.spec?.type).toBe("ClusterIP");

    const cr = api.at<Stored>(workloadPath("WorkloadService", "web"));
    api.seed(workloadPath("WorkloadService", "web"), {
      ...cr,
      spec: { image: "nginx", replicas: 2 },
    });
    const noPorts = await reconcile(api, "WorkloadService", "web");
    expect(api.at(servicePath)).toBeUndefined();
    expect(noPorts.events.reasons()).toContain("Deleted");

    const deleting = api.at<Stored>(workloadPath("WorkloadService", "web"));
    api.seed(workloadPath("WorkloadService", "web"), {
      ...deleting,
      metadata: { ...deleting?.metadata, deletionTimestamp: "2026-12-01T10:01:00Z" },
    });
    api.seed(deploymentPath, {
      ...api.at<V1Deployment>(deploymentPath),
      status: { replicas: 2 },
    });
    const scaling = await reconcile(api, "WorkloadService", "web");
    expect(api.at<V1Deployment>(deploymentPath)?.spec?.replicas).toBe(0);
    expect(scaling.result).toEqual({ requeueAfterMs: 2000 });
    expect(scaling.workload?.metadata?.finalizers).toEqual([FINALIZER]);

    api.seed(deploymentPath, {
      ...api.at<V1Deployment>(deploymentPath),
      status: { replicas: 0 },
    });
    const done = await reconcile(api, "WorkloadService", "web");
    // Its last finalizer came off: the API server deleted it.
    expect(done.workload).toBeUndefined();
    expect(api.writes.at(-1)).toBe(`PATCH ${workloadPath("WorkloadService", "web")}`);
    expect(done.events.reasons()).toEqual(["Stopped"]);
  });
});

describe("reconcileWorkload: nothing changed", () => {
  it("a repeat, or a new leader with a later epoch, writes nothing and records no event", async () => {
    const api = new FakeApi();
    const spec = { image: "nginx", replicas: 1, ports: [{ containerPort: 80 }] };
    seedWorkload(api, "WorkloadService", "web", spec);
    const deploymentPath = childPath("apps/v1", "Deployment", "web");
    await reconcile(api, "WorkloadService", "web");
    api.seed(deploymentPath, {
      ...api.at<V1Deployment>(deploymentPath),
      status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 },
    });
    await reconcile(api, "WorkloadService", "web");

    const writesBefore = api.writes.length;
    const again = await reconcile(api, "WorkloadService", "web");
    const newLeader = new GuardedWriter(api, { check: () => ({ epoch: 4 }) });
    const takeover = await reconcile(api, "WorkloadService", "web", {
      writer: newLeader,
      leader: { id: "east-1", cluster: "east", epoch: 4 },
    });
    expect(api.writes.slice(writesBefore)).toEqual([]);
    expect([...again.events.reasons(), ...takeover.events.reasons()]).toEqual([]);

    // The next change is written by the new leader, stamped with its epoch.
    const cr = api.at<Stored>(workloadPath("WorkloadService", "web"));
    api.seed(workloadPath("WorkloadService", "web"), {
      ...cr,
      spec: { ...spec, image: "nginx:2" },
    });
    const changed = await reconcile(api, "WorkloadService", "web", {
      writer: newLeader,
      leader: { id: "east-1", cluster: "east", epoch: 4 },
    });
    expect(changed.events.reasons()).toEqual(["Updated"]);
    const deployment = api.at<V1Deployment>(deploymentPath);
    expect(deployment?.metadata?.annotations?.["highlander.plexobject.io/epoch"]).toBe("4");
    expect(deployment?.spec?.template?.spec?.containers?.[0]?.image).toBe("nginx:2");
  });
});

describe("reconcileWorkload: WorkloadPersistent", () => {
  it("on a standby cluster applies the headless Service and the StatefulSet at 0 replicas", async () => {
    const api = new FakeApi();
    seedWorkload(api, "WorkloadPersistent", "db", { image: "postgres", replicas: 1 });
    const standby = {
      mode: "standby-cluster" as const,
      leader: { id: "west-0", cluster: "west", epoch: 3 },
    };

    const { result, workload } = await reconcile(api, "WorkloadPersistent", "db", standby);
    expect(api.at<V1StatefulSet>(childPath("apps/v1", "StatefulSet", "db"))?.spec?.replicas).toBe(
      0,
    );
    expect(api.at<V1Service>(childPath("v1", "Service", "db"))?.spec?.clusterIP).toBe("None");
    expect(result).toBeUndefined();
    expect(condition(workload, "Ready")).toMatchObject({ status: "True", reason: "Standby" });
  });
});

describe("reconcileWorkload: the key", () => {
  it("does nothing for a workload that is gone or belongs to another tenant", async () => {
    const api = new FakeApi();
    expect((await reconcile(api, "WorkloadProcess", "gone")).result).toBeUndefined();
    seedWorkload(api, "WorkloadProcess", "theirs", { image: "busybox" });
    const { result } = await reconcile(api, "WorkloadProcess", "theirs", { tenant: "team-b" });
    expect(result).toBeUndefined();
    expect(api.writes).toEqual([]);
  });

  it("refuses a kind that is not ours", async () => {
    await expect(reconcile(new FakeApi(), "Deployment", "web")).rejects.toThrow(
      "unknown workload kind Deployment",
    );
  });
});
