import { describe, expect, it } from "vitest";
import { watchEventSink } from "./watch-events";
import type { WorkloadKey } from "./manager";
import { ObjectCache } from "./object-cache";

describe("watchEventSink", () => {
  const make = () => {
    const queued: WorkloadKey[] = [];
    const tracked: string[] = [];
    const cache = new ObjectCache();
    const sink = watchEventSink({
      cache,
      tenant: "team-a",
      tracker: {
        update: obj => String(tracked.push(`update ${obj.metadata?.name ?? ""}`)),
        remove: key => void tracked.push(`remove ${key.name}`),
      },
      enqueue: key => void queued.push(key),
    });
    return { sink, queued, tracked, cache };
  };
  const workload = (name: string, tenant: string) => ({
    apiVersion: "highlander.plexobject.io/v1",
    kind: "WorkloadProcess",
    metadata: {
      name,
      namespace: "apps",
      labels: { "highlander.plexobject.io/tenant": tenant },
    },
  });

  it("tracks and queues a workload of its tenant, and only those", () => {
    const { sink, queued, tracked } = make();
    sink.onWorkload(workload("mine", "team-a"), false);
    sink.onWorkload(workload("mine", "team-a"), true);
    sink.onWorkload(workload("theirs", "team-b"), false);
    expect(tracked).toEqual(["update mine", "remove mine"]);
    expect(queued).toEqual([
      { kind: "WorkloadProcess", namespace: "apps", name: "mine" },
      { kind: "WorkloadProcess", namespace: "apps", name: "mine" },
    ]);
  });

  it("queues a child's workload, found from the child's labels", () => {
    const { sink, queued } = make();
    const child = (tenant: string) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "web-0",
        namespace: "apps",
        labels: {
          "highlander.plexobject.io/kind": "service",
          "highlander.plexobject.io/workload": "web",
          "highlander.plexobject.io/tenant": tenant,
        },
      },
    });
    sink.onChild(child("team-a"), false);
    sink.onChild(child("team-b"), false);
    expect(queued).toEqual([{ kind: "WorkloadService", namespace: "apps", name: "web" }]);
  });

  it("puts every object into the cache before queueing, and takes deleted ones out", () => {
    const { sink, queued, cache } = make();
    const seen: number[] = [];
    sink.onStart?.({ kind: "WorkloadProcess", namespace: "", labels: {} });
    sink.onList?.({ kind: "WorkloadProcess", namespace: "", labels: {} }, [], "1");
    const mine = {
      ...workload("mine", "team-a"),
      metadata: { ...workload("mine", "team-a").metadata, uid: "u1", resourceVersion: "5" },
    };
    sink.onWorkload(mine, false);
    seen.push(cache.size, queued.length);
    // Other tenants' workloads are cached too (the reconcile skips them; the watch sees them all).
    sink.onWorkload(workload("theirs", "team-b"), false);
    seen.push(cache.size);
    sink.onWorkload(mine, true);
    seen.push(cache.size);
    expect(seen).toEqual([1, 1, 2, 1]);
    expect(cache.get("WorkloadProcess", "apps", "mine")).toBeUndefined();
  });
});
