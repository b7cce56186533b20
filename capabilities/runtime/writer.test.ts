import { describe, expect, it } from "vitest";
import type { KubeClient, KubeObject } from "./kube-client";
import { EPOCH_ANNOTATION, FencedError, NotLeaderError } from "../../storage/guard";
import { GuardedWriter } from "./writer";

function fakeClient() {
  const applied: KubeObject[] = [];
  const client = {
    apply: async (obj: KubeObject) => {
      applied.push(obj);
      return obj;
    },
  } as unknown as KubeClient;
  return { client, applied };
}

const obj = (epoch?: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "p",
    namespace: "ns",
    annotations: epoch === undefined ? {} : { [EPOCH_ANNOTATION]: epoch },
  },
});

describe("GuardedWriter", () => {
  it("stamps the epoch it was granted right before the write", async () => {
    const { client, applied } = fakeClient();
    const writer = new GuardedWriter(client, { check: () => ({ epoch: 7 }) });
    await writer.apply(obj());
    expect(applied[0].metadata?.annotations?.[EPOCH_ANNOTATION]).toBe("7");
  });

  it("refuses to overwrite an object stamped by a later leader", async () => {
    const { client, applied } = fakeClient();
    const writer = new GuardedWriter(client, { check: () => ({ epoch: 7 }) });
    await expect(writer.apply(obj(), obj("8"))).rejects.toBeInstanceOf(FencedError);
    expect(applied).toEqual([]);
  });

  it("writes nothing when the guard refuses", async () => {
    const { client, applied } = fakeClient();
    const writer = new GuardedWriter(client, {
      check: () => {
        throw new NotLeaderError("not the leader", "not-leading");
      },
    });
    await expect(writer.apply(obj())).rejects.toThrow(/not the leader/);
    expect(applied).toEqual([]);
  });
});
