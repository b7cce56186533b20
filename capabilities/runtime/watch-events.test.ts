import { describe, expect, it } from "vitest";
import { watchEventSink } from "./watch-events";
import type { WorkloadKey } from "./manager";

describe("watchEventSink", () => {
  const make = () => {
    const queued: WorkloadKey[] = [];
    const tracked: string[] = [];
    const sink = watchEventSink({
      tenant: "team-a",
      tracker: {
        update: obj => String(tracked.push(`update ${obj.metadata?.name ?? ""}`)),
        remove: key => void tracked.push(`remove ${key.name}`),
      },
      enqueue: key => void queued.push(key),
    });
    return { sink, queued, tracked };
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
    sink.onChild(child("team-a"));
    sink.onChild(child("team-b"));
    expect(queued).toEqual([{ kind: "WorkloadService", namespace: "apps", name: "web" }]);
  });
});
