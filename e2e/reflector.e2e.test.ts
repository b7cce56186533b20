// The operator's list-then-watch (runtime/reflector.ts) against the real API server: the list comes in
// pages, the server ends each watch after a few seconds (a short timeoutSeconds), and every watch
// after that resumes from the last resourceVersion seen, without a second list and without losing a
// change made in between.
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { KubeClient, resourcePath, type KubeObject } from "../capabilities/runtime/kube-client";
import { Reflector, type ReflectorSource } from "../capabilities/runtime/reflector";
import { kubectl } from "../devenv/controlplane/cluster";
import { waitFor } from "../devenv/lib/processes";

const kubeconfig = inject("kubeconfig");
const ns = `reflector-${Date.now().toString(36)}`;
const LABEL = "highlander.plexobject.io/reflector-test";

describe("Reflector against the real API server", () => {
  let client: KubeClient;
  const configMap = (name: string, data: Record<string, string> = { v: "1" }) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: ns, labels: { [LABEL]: "yes" } },
    data,
  });
  // Not ours (no label): never listed, never an event.
  const unlabelled = (data: Record<string, string>) => ({
    ...configMap("other", data),
    metadata: { name: "other", namespace: ns },
  });

  beforeAll(async () => {
    kubectl(kubeconfig, ["create", "namespace", ns]);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    client = new KubeClient(kc);
    for (let i = 0; i < 5; i++) await client.apply(configMap(`c${i}`));
    await client.apply(unlabelled({ v: "1" }));
  });

  afterAll(() => {
    kubectl(kubeconfig, ["delete", "namespace", ns, "--wait=false", "--ignore-not-found"]);
  });

  it("lists in pages, resumes every ended watch without listing again, and misses no change", async () => {
    const lists: string[] = [];
    const watches: string[] = [];
    const source: ReflectorSource = {
      request: <T>(method: string, path: string) => {
        lists.push(path);
        return client.request<T>(method, path);
      },
      stream: (path, idleMs) => {
        watches.push(path);
        return client.stream(path, idleMs);
      },
    };
    const listed: string[][] = [];
    const events: string[] = [];
    const failures: string[] = [];
    const reflector = new Reflector(
      source,
      {
        onListed: items => listed.push(items.map(i => i.metadata?.name ?? "").sort()),
        onEvent: (obj: KubeObject, type) =>
          events.push(`${type} ${obj.kind}/${obj.metadata?.name}`),
        onConnected: () => {},
        onFailure: err => failures.push(String(err)),
      },
      {
        path: resourcePath({ apiVersion: "v1", kind: "ConfigMap", namespace: ns }),
        labelSelector: `${LABEL}=yes`,
        apiVersion: "v1",
        kind: "ConfigMap",
        pageSize: 2,
        watchTimeoutSeconds: 2,
      },
    );
    const running = reflector.run();
    try {
      await waitFor("the first list", async () => listed.length === 1 || undefined, 20_000, 50);
      expect(listed[0]).toEqual(["c0", "c1", "c2", "c3", "c4"]);
      expect(lists).toHaveLength(3); // 2 + 2 + 1
      expect(lists.slice(1).every(p => p.includes("continue="))).toBe(true);
      expect(events.sort()).toEqual([0, 1, 2, 3, 4].map(i => `ADDED ConfigMap/c${i}`));
      events.length = 0;

      // Changes while a watch runs, then more after the server has ended it at least once.
      await waitFor("a watch", async () => watches.length >= 1 || undefined, 20_000, 50);
      await client.apply(configMap("c5"));
      await client.apply(configMap("c1", { v: "2" }));
      await client.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "c2" });
      const resumedFrom = watches.length;
      await waitFor(
        "the server to end a watch",
        async () => watches.length > resumedFrom || undefined,
        30_000,
        100,
      );
      await client.apply(configMap("c6"));
      await client.apply(unlabelled({ v: "2" }));
      await waitFor(
        "every change as an event",
        async () => (events.length >= 4 ? events : undefined),
        20_000,
        50,
      );
      expect(events).toEqual([
        "ADDED ConfigMap/c5",
        "MODIFIED ConfigMap/c1",
        "DELETED ConfigMap/c2",
        "ADDED ConfigMap/c6",
      ]);
      expect(lists).toHaveLength(3);
      expect(failures).toEqual([]);
      // Every watch starts from a resourceVersion, never from "now" (which would skip changes).
      const versions = watches.map(p =>
        new URL(p, "https://x").searchParams.get("resourceVersion"),
      );
      expect(versions.every(v => v !== null && v !== "")).toBe(true);
      expect(new Set(versions).size).toBeGreaterThan(1);
    } finally {
      reflector.stop();
      await running;
    }
  }, 90_000);
});
