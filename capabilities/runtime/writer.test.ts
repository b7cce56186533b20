import { describe, expect, it } from "vitest";
import { KubeApiError, type KubeClient, type KubeObject } from "./kube-client";
import { EPOCH_ANNOTATION, FencedError, NotLeaderError } from "../../storage/guard";
import { FenceRefusedError, GuardedWriter } from "./writer";

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

describe("GuardedWriter and the API server's fence", () => {
  it("turns the policy's 403 into a FenceRefusedError and reports it", async () => {
    const refused: unknown[] = [];
    const client = {
      apply: async () => {
        throw new KubeApiError(
          403,
          "Forbidden",
          "PATCH x: 403 highlander fence: deployments ns/x is stamped with epoch 3",
        );
      },
    } as unknown as KubeClient;
    const writer = new GuardedWriter(
      client,
      { check: () => ({ epoch: 3 }) },
      { backend: "kubernetes", onRefused: err => refused.push(err) },
    );
    await expect(writer.apply(obj())).rejects.toBeInstanceOf(FenceRefusedError);
    expect(refused).toHaveLength(1);
  });

  it("stamps status with its epoch and deletes only the version it stamped", async () => {
    const calls: Array<[string, unknown, unknown?]> = [];
    const client = {
      applyStatus: async (_ref: unknown, status: unknown) => void calls.push(["status", status]),
      mergePatch: async (_ref: unknown, patch: unknown) => {
        calls.push(["patch", patch]);
        return { metadata: { resourceVersion: "42" } };
      },
      delete: async (_ref: unknown, opts: unknown) => {
        calls.push(["delete", opts]);
        return true;
      },
    } as unknown as KubeClient;
    const writer = new GuardedWriter(client, { check: () => ({ epoch: 9 }) });
    await writer.applyStatus(
      { apiVersion: "v1", kind: "Pod", name: "p", namespace: "ns" },
      { leader: { id: "a" } },
    );
    expect(calls[0][1]).toEqual({ leader: { id: "a", epoch: 9 } });
    await writer.delete({
      ...obj("9"),
      metadata: { ...obj("9").metadata, uid: "u", resourceVersion: "41" },
    });
    expect(calls[1][1]).toEqual({
      metadata: { annotations: { [EPOCH_ANNOTATION]: "9" } },
    });
    expect(calls[2][1]).toMatchObject({ uid: "u", resourceVersion: "42" });
  });
});
