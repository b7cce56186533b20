import { describe, expect, it } from "vitest";
import type { KubeObject } from "./kube-client";
import { isNewer, ObjectCache, parseSelector } from "./object-cache";

const OURS = { "app.kubernetes.io/managed-by": "highlander" };

function pod(
  name: string,
  resourceVersion: string,
  extra: { uid?: string; namespace?: string; labels?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: extra.namespace ?? "apps",
      uid: extra.uid ?? `uid-${name}`,
      resourceVersion,
      labels: extra.labels ?? OURS,
    },
  };
}

function podCache(namespace = ""): ObjectCache {
  const cache = new ObjectCache();
  cache.register({ kind: "Pod", namespace, labels: OURS });
  return cache;
}

describe("isNewer", () => {
  it("compares the API server's integer versions as numbers, anything else as different", () => {
    expect(isNewer(pod("a", "10"), pod("a", "9"))).toBe(true);
    expect(isNewer(pod("a", "9"), pod("a", "10"))).toBe(false);
    expect(isNewer(pod("a", "10"), pod("a", "10"))).toBe(false);
    expect(isNewer(pod("a", "x2"), pod("a", "x1"))).toBe(true);
    expect(isNewer(pod("a", "x1"), pod("a", "x1"))).toBe(false);
  });
});

describe("parseSelector", () => {
  it("reads equality selectors and refuses every other form", () => {
    expect(parseSelector("a=b,c==d")).toEqual({ a: "b", c: "d" });
    expect(parseSelector(undefined)).toEqual({});
    expect(parseSelector("a!=b")).toBeUndefined();
    expect(parseSelector("a in (b)")).toBeUndefined();
    expect(parseSelector("a")).toBeUndefined();
  });
});

describe("ObjectCache", () => {
  it("keeps an entry until a newer version of it arrives", () => {
    const cache = podCache();
    cache.put(pod("web", "5"));
    cache.put(pod("web", "4"));
    expect(cache.get("Pod", "apps", "web")?.metadata?.resourceVersion).toBe("5");
    cache.put(pod("web", "6"));
    expect(cache.get("Pod", "apps", "web")?.metadata?.resourceVersion).toBe("6");
  });

  it("keeps objects without their managedFields, removed from the object given (shared with the watch's own cache)", () => {
    const cache = podCache();
    const delivered = pod("web", "5");
    delivered.metadata!.managedFields = [{ manager: "kwok", operation: "Update", fieldsV1: {} }];
    cache.put(delivered);
    const listed = pod("db", "6");
    listed.metadata!.managedFields = [{ manager: "highlander", operation: "Update" }];
    cache.listed({ kind: "Pod", namespace: "" }, [listed, pod("web", "5")], "6");
    expect(cache.get("Pod", "apps", "web")?.metadata?.managedFields).toBeUndefined();
    expect(cache.get("Pod", "apps", "db")?.metadata).not.toHaveProperty("managedFields");
    expect(delivered.metadata).not.toHaveProperty("managedFields");
    expect(cache.get("Pod", "apps", "db")?.metadata?.name).toBe("db");
  });

  it("holds only what a registered watch would deliver (kind, namespace, labels)", () => {
    const cache = podCache("apps");
    cache.put(pod("theirs", "1", { labels: {} }));
    cache.put(pod("elsewhere", "1", { namespace: "other" }));
    cache.put({ apiVersion: "v1", kind: "Event", metadata: { name: "e", namespace: "apps" } });
    cache.put(pod("ours", "1"));
    expect(cache.size).toBe(1);
    expect(cache.covers(pod("theirs", "1", { labels: {} }))).toBe(false);
  });

  it("removes an entry on deletion, unless it is a newer object of that name", () => {
    const cache = podCache();
    cache.put(pod("web", "7", { uid: "new" }));
    cache.remove(pod("web", "5", { uid: "old" }));
    expect(cache.get("Pod", "apps", "web")?.metadata?.uid).toBe("new");
    cache.remove(pod("web", "8", { uid: "new" }));
    expect(cache.get("Pod", "apps", "web")).toBeUndefined();
  });

  it("marks what we deleted as terminating until the watch says more", () => {
    const cache = podCache();
    cache.put(pod("web", "5"));
    cache.markDeleting(pod("web", "5"), new Date("2026-12-07T00:00:00Z"));
    expect(cache.get("Pod", "apps", "web")?.metadata?.deletionTimestamp).toBe(
      "2026-12-07T00:00:00.000Z",
    );
    cache.put(pod("web", "6"));
    expect(cache.get("Pod", "apps", "web")?.metadata?.deletionTimestamp).toBeUndefined();
  });

  it("is synced per scope once its first list arrived, and a list replaces what the scope held", () => {
    const cache = podCache();
    cache.register({ kind: "Job", namespace: "", labels: OURS });
    expect(cache.servingScope("Pod", "apps")).toBeUndefined();
    expect(cache.unsynced()).toEqual(["Pod cluster-wide", "Job cluster-wide"]);

    cache.put(pod("gone", "3"));
    cache.put(pod("written-since", "12"));
    cache.listed({ kind: "Pod", namespace: "" }, [pod("web", "9")], "10");
    expect(cache.servingScope("Pod", "apps")).toMatchObject({ kind: "Pod", labels: OURS });
    expect(cache.synced).toBe(false);
    expect(cache.unsynced()).toEqual(["Job cluster-wide"]);
    expect(
      cache
        .list("Pod", "apps")
        .map(p => p.metadata?.name)
        .sort(),
    ).toEqual(["web", "written-since"]);
  });

  it("reads a lost watch's scope live again until it lists anew", () => {
    const cache = podCache();
    cache.listed({ kind: "Pod", namespace: "" }, [pod("web", "1")], "1");
    cache.unsync({ kind: "Pod", namespace: "" });
    expect(cache.servingScope("Pod", "apps")).toBeUndefined();
    expect(cache.unsynced()).toEqual(["Pod cluster-wide"]);
    cache.listed({ kind: "Pod", namespace: "" }, [pod("web", "2")], "2");
    expect(cache.servingScope("Pod", "apps")).toBeDefined();
  });

  it("serves a namespace only from a watch that covers it", () => {
    const cache = podCache("apps");
    cache.listed({ kind: "Pod", namespace: "apps" }, [], "1");
    expect(cache.servingScope("Pod", "apps")).toBeDefined();
    expect(cache.servingScope("Pod", "other")).toBeUndefined();
    expect(cache.servingScope("Pod", "")).toBeUndefined();
    expect(cache.synced).toBe(true);
  });

  it("lists by namespace and labels", () => {
    const cache = podCache();
    cache.put(pod("a", "1", { labels: { ...OURS, app: "x" } }));
    cache.put(pod("b", "1", { labels: { ...OURS, app: "y" } }));
    cache.put(pod("c", "1", { labels: { ...OURS, app: "x" }, namespace: "other" }));
    expect(cache.list("Pod", "apps", { app: "x" }).map(p => p.metadata?.name)).toEqual(["a"]);
    expect(cache.list("Pod", "", { app: "x" }).map(p => p.metadata?.name)).toEqual(["a", "c"]);
  });
});

describe("ObjectCache.list indexes", () => {
  const owned = (owner: string) => ({ ...OURS, "highlander.plexobject.io/name": owner });
  const names = (objs: KubeObject[]) => objs.map(o => o.metadata?.name).sort();

  it("finds by kind, namespace and labels, and follows label changes and removals", () => {
    const cache = podCache();
    for (let i = 0; i < 50; i++)
      cache.put(pod(`p${i}`, "1", { labels: owned(`w${i % 5}`), namespace: i < 25 ? "a" : "b" }));
    expect(cache.list("Pod", "", owned("w1"))).toHaveLength(10);
    expect(names(cache.list("Pod", "a", owned("w1")))).toEqual(["p1", "p11", "p16", "p21", "p6"]);
    expect(cache.list("Pod", "", { ...owned("w1"), extra: "x" })).toEqual([]);
    expect(cache.list("Job", "", owned("w1"))).toEqual([]);
    expect(cache.list("Pod", "")).toHaveLength(50);

    // A newer version with another owner moves between the label's entries.
    cache.put(pod("p1", "2", { labels: owned("w2"), namespace: "a" }));
    expect(names(cache.list("Pod", "a", owned("w1")))).toEqual(["p11", "p16", "p21", "p6"]);
    expect(names(cache.list("Pod", "a", owned("w2")))).toContain("p1");
    cache.remove(pod("p6", "3", { namespace: "a" }));
    expect(names(cache.list("Pod", "a", owned("w1")))).toEqual(["p11", "p16", "p21"]);
    cache.markDeleting(pod("p11", "1", { namespace: "a" }));
    expect(
      cache.list("Pod", "a", owned("w1")).find(o => o.metadata?.name === "p11")?.metadata
        ?.deletionTimestamp,
    ).toBeDefined();
  });
});
