import { describe, expect, it } from "vitest";
import { FakeApi } from "../workloads/reconcilers/fake-api";
import { CachedReader, writesInto } from "./cached-reader";
import { resourcePath, type KubeObject, type ResourceRef } from "./kube-client";
import { ObjectCache, type CacheScope } from "./object-cache";
import { GuardedWriter } from "./writer";

const OURS = { "app.kubernetes.io/managed-by": "highlander" };
const POD = { apiVersion: "v1", kind: "Pod", namespace: "apps" };
const PROCESS = {
  apiVersion: "highlander.plexobject.io/v1",
  kind: "WorkloadProcess",
  namespace: "apps",
};

/** The fake API server, counting the reads that reach it. */
class CountingApi extends FakeApi {
  readonly reads: string[] = [];

  override async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (method === "GET") this.reads.push(path);
    return super.request<T>(method, path, body);
  }
}

function pathOf(ref: ResourceRef): string {
  return resourcePath(ref);
}

/** A cache whose watches (Pods with our label, workloads unlabelled) listed what the API holds. */
async function synced(api: CountingApi): Promise<ObjectCache> {
  const cache = new ObjectCache();
  const scopes: (CacheScope & { apiVersion: string; selector?: string })[] = [
    {
      apiVersion: "v1",
      kind: "Pod",
      namespace: "",
      labels: OURS,
      selector: "app.kubernetes.io/managed-by=highlander",
    },
    { apiVersion: PROCESS.apiVersion, kind: "WorkloadProcess", namespace: "", labels: {} },
  ];
  for (const scope of scopes) {
    cache.register(scope);
    const items = await api.list(
      { apiVersion: scope.apiVersion, kind: scope.kind, namespace: "apps" },
      scope.selector,
    );
    cache.listed(scope, items, "0");
  }
  api.reads.length = 0;
  return cache;
}

function seedPod(api: FakeApi, name: string, labels: Record<string, string> = OURS): KubeObject {
  return api.seed(pathOf({ ...POD, name }), {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "apps", labels },
  });
}

describe("CachedReader", () => {
  it("reads live while the cache has not synced", async () => {
    const api = new CountingApi();
    seedPod(api, "web");
    const cache = new ObjectCache();
    cache.register({ kind: "Pod", namespace: "", labels: OURS });
    const reader = new CachedReader(cache, api);
    expect((await reader.get({ ...POD, name: "web" }))?.metadata?.name).toBe("web");
    expect(api.reads).toHaveLength(1);
  });

  it("answers a synced kind from memory with a copy the caller may change", async () => {
    const api = new CountingApi();
    seedPod(api, "web");
    const cache = await synced(api);
    const reader = new CachedReader(cache, api);
    const first = await reader.get({ ...POD, name: "web" });
    first!.metadata!.name = "changed";
    const second = await reader.get({ ...POD, name: "web" });
    expect(second?.metadata?.name).toBe("web");
    expect(api.reads).toEqual([]);
  });

  it("reads a child it does not hold live: an object of that name that is not ours must be seen", async () => {
    const api = new CountingApi();
    seedPod(api, "clash", {});
    const cache = await synced(api);
    const reader = new CachedReader(cache, api);
    expect((await reader.get({ ...POD, name: "clash" }))?.metadata?.name).toBe("clash");
    expect(await reader.get({ ...POD, name: "absent" })).toBeUndefined();
    expect(api.reads).toHaveLength(2);
  });

  it("answers a miss of a kind only ever created without a request (its create is the check)", async () => {
    const api = new CountingApi();
    seedPod(api, "clash", {});
    const cache = await synced(api);
    const reader = new CachedReader(cache, api, new Set(["Pod"]));
    expect(await reader.get({ ...POD, name: "clash" })).toBeUndefined();
    expect(api.reads).toEqual([]);
  });

  it("answers a workload it does not hold without a request: the watch delivered its deletion", async () => {
    const api = new CountingApi();
    const cache = await synced(api);
    const reader = new CachedReader(cache, api);
    expect(await reader.get({ ...PROCESS, name: "gone" })).toBeUndefined();
    expect(api.reads).toEqual([]);
  });

  it("lists with a label selector from memory, and live for a selector it cannot evaluate", async () => {
    const api = new CountingApi();
    seedPod(api, "a", { ...OURS, app: "x" });
    seedPod(api, "b", { ...OURS, app: "y" });
    const cache = await synced(api);
    const reader = new CachedReader(cache, api);
    const listed = await reader.list({ ...POD }, "app=x");
    expect(listed.map(p => p.metadata?.name)).toEqual(["a"]);
    expect(api.reads).toEqual([]);
    await reader.list({ ...POD }, "app!=x");
    expect(api.reads).toHaveLength(1);
  });
});

describe("the guarded writer's write-through to the cache", () => {
  const setup = async () => {
    const api = new CountingApi();
    api.seed(pathOf({ ...PROCESS, name: "worker" }), {
      apiVersion: PROCESS.apiVersion,
      kind: "WorkloadProcess",
      metadata: { name: "worker", namespace: "apps" },
    });
    seedPod(api, "worker");
    const cache = await synced(api);
    const writer = new GuardedWriter(
      api,
      { check: () => ({ epoch: 3 }) },
      {
        backend: "test",
        written: writesInto(cache),
      },
    );
    return { api, cache, writer, reader: new CachedReader(cache, api) };
  };

  it("reads a status right after writing it, before any watch event", async () => {
    const { writer, reader } = await setup();
    await writer.applyStatus({ ...PROCESS, name: "worker" }, { restartCount: 1 } as {
      leader?: object;
    });
    const cr = await reader.get<KubeObject & { status?: { restartCount?: number } }>({
      ...PROCESS,
      name: "worker",
    });
    expect(cr?.status?.restartCount).toBe(1);
  });

  it("keeps a pod it deleted as terminating until the watch says it is gone", async () => {
    const { writer, reader, cache } = await setup();
    const pod = await reader.get({ ...POD, name: "worker" });
    await writer.delete(pod!);
    expect(
      (await reader.get({ ...POD, name: "worker" }))?.metadata?.deletionTimestamp,
    ).toBeDefined();
    cache.remove(pod!);
    expect(cache.get("Pod", "apps", "worker")).toBeUndefined();
  });

  it("holds what it created, so the next read does not create again", async () => {
    const { api, writer, reader } = await setup();
    await writer.createIfAbsent({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "new", namespace: "apps", labels: OURS },
    });
    expect((await reader.get({ ...POD, name: "new" }))?.metadata?.name).toBe("new");
    expect(api.reads).toEqual([]);
  });
});
