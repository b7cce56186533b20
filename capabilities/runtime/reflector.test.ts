import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { KubeApiError, type ApiStream, type KubeObject } from "./kube-client";
import { Reflector, type ReflectorSource, type WatchEventType } from "./reflector";

const pod = (name: string, rv: string): KubeObject => ({
  metadata: { name, namespace: "a", uid: `uid-${name}`, resourceVersion: rv },
});

type Step =
  | { list: { items: KubeObject[]; rv: string; continue?: string } }
  | { watch: Array<{ type: string; object: unknown }> }
  | { fail: Error };

/** A source that answers each request with the next scripted step and records the paths asked. */
class ScriptedSource implements ReflectorSource {
  readonly paths: string[] = [];
  reflector?: Reflector;
  constructor(private readonly steps: Step[]) {}

  async request<T>(_method: string, path: string): Promise<T> {
    this.paths.push(path);
    const step = this.steps.shift();
    if (step && "fail" in step) throw step.fail;
    if (!step || !("list" in step)) throw new Error(`unexpected list ${path}`);
    const { items, rv, continue: token } = step.list;
    return { metadata: { resourceVersion: rv, continue: token }, items } as T;
  }

  async stream(path: string): Promise<ApiStream> {
    this.paths.push(path);
    const step = this.steps.shift();
    if (!step) {
      this.reflector?.stop();
      return { body: Readable.from([]), close: () => {} };
    }
    if ("fail" in step) throw step.fail;
    if (!("watch" in step)) throw new Error(`unexpected watch ${path}`);
    const lines = step.watch.map(line => `${JSON.stringify(line)}\n`);
    return { body: Readable.from(lines), close: () => {} };
  }
}

function run(steps: Step[], labelSelector?: string) {
  const source = new ScriptedSource(steps);
  const seen: string[] = [];
  const lists: Array<{ names: string[]; rv: string }> = [];
  const failures: number[] = [];
  const connected: number[] = [];
  const reflector = new Reflector(
    source,
    {
      onListed: (items, rv) => lists.push({ names: items.map(i => i.metadata?.name ?? ""), rv }),
      onEvent: (obj: KubeObject, type: WatchEventType) =>
        seen.push(`${type} ${obj.kind} ${obj.metadata?.name}@${obj.metadata?.resourceVersion}`),
      onConnected: n => connected.push(n),
      onFailure: (_err, n) => failures.push(n),
    },
    {
      path: "/api/v1/pods",
      labelSelector,
      apiVersion: "v1",
      kind: "Pod",
      pageSize: 2,
      sleep: async () => {},
    },
  );
  source.reflector = reflector;
  return { done: reflector.run(), source, seen, lists, failures, connected };
}

const query = (path: string) => Object.fromEntries(new URL(path, "https://x").searchParams);

describe("Reflector", () => {
  it("lists in pages, then watches from the list's resourceVersion and resumes from the last one seen", async () => {
    const r = run(
      [
        { list: { items: [pod("p1", "5"), pod("p2", "6")], rv: "10", continue: "t1" } },
        { list: { items: [pod("p3", "7")], rv: "10" } },
        {
          watch: [
            { type: "MODIFIED", object: pod("p1", "11") },
            { type: "BOOKMARK", object: { metadata: { resourceVersion: "15" } } },
          ],
        },
        { watch: [{ type: "DELETED", object: pod("p2", "16") }] },
      ],
      "app=x",
    );
    await r.done;
    expect(r.source.paths.map(query)).toEqual([
      { limit: "2", labelSelector: "app=x" },
      { limit: "2", labelSelector: "app=x", continue: "t1" },
      expect.objectContaining({
        watch: "true",
        resourceVersion: "10",
        allowWatchBookmarks: "true",
      }),
      expect.objectContaining({ watch: "true", resourceVersion: "15", labelSelector: "app=x" }),
      expect.objectContaining({ resourceVersion: "16" }),
    ]);
    expect(r.lists).toEqual([{ names: ["p1", "p2", "p3"], rv: "10" }]);
    expect(r.seen).toEqual([
      "ADDED Pod p1@5",
      "ADDED Pod p2@6",
      "ADDED Pod p3@7",
      "MODIFIED Pod p1@11",
      "DELETED Pod p2@16",
    ]);
    expect(r.failures).toEqual([]);
  });

  it("lists again after 410 Gone and sends only what changed since: changed, removed, added", async () => {
    const r = run([
      { list: { items: [pod("p1", "5"), pod("p2", "6")], rv: "10" } },
      { watch: [{ type: "ERROR", object: { kind: "Status", code: 410, message: "too old" } }] },
      { list: { items: [pod("p1", "5"), pod("p3", "30")], rv: "40", continue: "t" } },
      { list: { items: [], rv: "40" } },
      { watch: [{ type: "MODIFIED", object: pod("p1", "41") }] },
    ]);
    await r.done;
    expect(r.seen).toEqual([
      "ADDED Pod p1@5",
      "ADDED Pod p2@6",
      "ADDED Pod p3@30",
      "DELETED Pod p2@6",
      "MODIFIED Pod p1@41",
    ]);
    expect(r.lists.map(l => l.rv)).toEqual(["10", "40"]);
    expect(r.failures).toEqual([]);
    expect(query(r.source.paths.at(-1) ?? "").resourceVersion).toBe("41");
  });

  it("a continue token that expired (410) starts the list over", async () => {
    const gone = new KubeApiError(410, "Expired", "continue token expired");
    const r = run([
      { list: { items: [pod("p1", "5")], rv: "10", continue: "t" } },
      { fail: gone },
      { list: { items: [pod("p1", "5")], rv: "20" } },
      { watch: [{ type: "BOOKMARK", object: { metadata: { resourceVersion: "21" } } }] },
    ]);
    await r.done;
    expect(r.lists).toEqual([{ names: ["p1"], rv: "20" }]);
    expect(r.failures).toEqual([]);
  });

  it("retries a failing watch from where it was, and lists again once failures reach the limit", async () => {
    const denied = new KubeApiError(403, "Forbidden", "pods is forbidden");
    const r = run([
      { list: { items: [pod("p1", "5")], rv: "10" } },
      { fail: denied },
      { watch: [{ type: "MODIFIED", object: pod("p1", "11") }] },
      ...Array.from({ length: 5 }, () => ({ fail: denied })),
      { list: { items: [pod("p1", "12")], rv: "20" } },
      { watch: [{ type: "MODIFIED", object: pod("p1", "21") }] },
    ]);
    await r.done;
    expect(r.failures).toEqual([1, 1, 2, 3, 4, 5]);
    expect(r.connected).toEqual([1, 5]);
    expect(r.lists.map(l => l.rv)).toEqual(["10", "20"]);
    expect(r.seen).toEqual([
      "ADDED Pod p1@5",
      "MODIFIED Pod p1@11",
      "MODIFIED Pod p1@12",
      "MODIFIED Pod p1@21",
    ]);
  });

  it("a watch that ends at once with nothing in it counts as a failure (no busy loop)", async () => {
    const r = run([{ list: { items: [], rv: "1" } }, { watch: [] }, { watch: [] }]);
    await r.done;
    expect(r.failures).toEqual([1, 2]);
  });
});
