// The operator's REST edge against the real API server: server-side apply under our field manager,
// optimistic concurrency, list by label, and idempotent delete.
import { KubeConfig } from "@kubernetes/client-node";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { FIELD_MANAGER, KubeApiError, KubeClient } from "../capabilities/runtime/kube-client";
import { kubectl } from "../devenv/controlplane/cluster";

const kubeconfig = inject("kubeconfig");
const ns = `kube-client-${Date.now().toString(36)}`;

interface ConfigMap {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    managedFields?: Array<{ manager: string }>;
  };
  data?: Record<string, string>;
}

describe("KubeClient against the real API server", () => {
  let client: KubeClient;
  beforeAll(() => {
    kubectl(kubeconfig, ["create", "namespace", ns]);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    client = new KubeClient(kc);
  });

  const cm = (data: Record<string, string>): ConfigMap => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "one", namespace: ns, labels: { "highlander.plexobject.io/test": "yes" } },
    data,
  });

  it("applies with the highlander field manager and reads back", async () => {
    const applied = await client.apply(cm({ a: "1" }));
    expect(applied.metadata.managedFields?.map(f => f.manager)).toContain(FIELD_MANAGER);
    const again = await client.apply(cm({ a: "1" }));
    expect(again.metadata.resourceVersion).toBe(applied.metadata.resourceVersion);
    const read = await client.get<ConfigMap>({
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: ns,
      name: "one",
    });
    expect(read?.data).toEqual({ a: "1" });
  });

  it("lists by label selector and returns undefined for a missing object", async () => {
    const items = await client.list<ConfigMap>(
      { apiVersion: "v1", kind: "ConfigMap", namespace: ns },
      "highlander.plexobject.io/test=yes",
    );
    expect(items.map(i => i.metadata.name)).toEqual(["one"]);
    expect(items[0].kind).toBe("ConfigMap");
    expect(
      await client.get({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "missing" }),
    ).toBeUndefined();
  });

  it("refuses a merge patch with a stale resourceVersion with a 409 KubeApiError", async () => {
    const ref = { apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "one" };
    const current = await client.get<ConfigMap>(ref);
    await client.mergePatch(ref, {
      data: { b: "2" },
      metadata: { resourceVersion: current?.metadata.resourceVersion },
    });
    const stale = client.mergePatch(ref, {
      data: { c: "3" },
      metadata: { resourceVersion: current?.metadata.resourceVersion },
    });
    await expect(stale).rejects.toBeInstanceOf(KubeApiError);
    await expect(stale).rejects.toMatchObject({ status: 409 });
  });

  it("deletes idempotently", async () => {
    const ref = { apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "one" };
    expect(await client.delete(ref)).toBe(true);
    expect(await client.delete(ref)).toBe(false);
  });
});
