import { describe, expect, it } from "vitest";
import { KubeApiError, type KubeClient, type KubeObject } from "./kube-client";
import { EPOCH_ANNOTATION, FencedError, NotLeaderError } from "../../storage/guard";
import { metrics } from "../../storage/metrics";
import { FenceRefusedError, GuardedWriter, writeLogLine } from "./writer";
import { FENCED_WRITE_LABEL } from "./fence";

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
  it("stamps the epoch it was granted right before the write, and the label that brings it under the fence policy", async () => {
    const { client, applied } = fakeClient();
    const writer = new GuardedWriter(client, { check: () => ({ epoch: 7 }) });
    await writer.apply(obj());
    expect(applied[0].metadata?.annotations?.[EPOCH_ANNOTATION]).toBe("7");
    expect(applied[0].metadata?.labels?.[FENCED_WRITE_LABEL]).toBe("true");
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
      metadata: {
        labels: { [FENCED_WRITE_LABEL]: "true" },
        annotations: { [EPOCH_ANNOTATION]: "9" },
      },
    });
    expect(calls[2][1]).toMatchObject({ uid: "u", resourceVersion: "42" });
  });
});

describe("GuardedWriter's write log", () => {
  function recording() {
    const lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> = [];
    const log = {
      info: (fields: object, msg: string) =>
        lines.push({ level: "info", fields: fields as Record<string, unknown>, msg }),
      debug: (fields: object, msg: string) =>
        lines.push({ level: "debug", fields: fields as Record<string, unknown>, msg }),
    };
    return { log, lines };
  }
  const withVersion = (o: KubeObject, rv: string): KubeObject => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: rv },
  });

  it("logs one info line per object created or changed, with kind, namespace, name and epoch", async () => {
    const { log, lines } = recording();
    let rv = 1;
    const client = {
      apply: async (o: KubeObject) => withVersion(o, String(rv)),
    } as unknown as KubeClient;
    const writer = new GuardedWriter(client, { check: () => ({ epoch: 7 }) }, { backend: "", log });
    await writer.apply(obj());
    await writer.apply(obj(), withVersion(obj("7"), "1")); // the API server changed nothing
    rv = 2;
    await writer.apply(obj(), withVersion(obj("7"), "1"));
    expect(lines).toEqual([
      {
        level: "info",
        fields: {
          write: "created",
          resource: { kind: "Pod", namespace: "ns", name: "p" },
          epoch: 7,
        },
        msg: "created Pod ns/p",
      },
      {
        level: "info",
        fields: {
          write: "changed",
          resource: { kind: "Pod", namespace: "ns", name: "p" },
          epoch: 7,
        },
        msg: "changed Pod ns/p",
      },
    ]);
  });

  it("logs a delete only when the object was there, and nothing for a refused write", async () => {
    const { log, lines } = recording();
    let present = true;
    const client = {
      mergePatch: async (ref: { name: string }) => {
        if (!present) throw new KubeApiError(404, "NotFound", "gone");
        return withVersion(obj(), `rv-${ref.name}`);
      },
      delete: async () => true,
    } as unknown as KubeClient;
    const writer = new GuardedWriter(client, { check: () => ({ epoch: 3 }) }, { backend: "", log });
    expect(await writer.delete(obj("3"))).toBe(true);
    present = false;
    expect(await writer.delete(obj("3"))).toBe(false);
    await expect(writer.delete(obj("4"))).rejects.toBeInstanceOf(FencedError);
    expect(lines.map(l => [l.level, l.msg, l.fields.epoch])).toEqual([
      ["info", "deleted Pod ns/p", 3],
    ]);
  });

  it("logs Events the operator records at debug only", () => {
    expect(
      writeLogLine("created", { apiVersion: "v1", kind: "Event", namespace: "ns", name: "e" }, 2)
        .level,
    ).toBe("debug");
    expect(
      writeLogLine("created", { apiVersion: "v1", kind: "Pod", namespace: "ns", name: "p" }, 2)
        .level,
    ).toBe("info");
  });

  it("logs status writes at debug only", async () => {
    const { log, lines } = recording();
    const client = { applyStatus: async () => ({}) } as unknown as KubeClient;
    const writer = new GuardedWriter(client, { check: () => ({ epoch: 5 }) }, { backend: "", log });
    await writer.applyStatus(
      { apiVersion: "v1", kind: "WorkloadProcess", namespace: "ns", name: "w" },
      {},
    );
    expect(lines).toEqual([
      {
        level: "debug",
        fields: {
          write: "status",
          resource: { kind: "WorkloadProcess", namespace: "ns", name: "w" },
          epoch: 5,
        },
        msg: "status of WorkloadProcess ns/w written",
      },
    ]);
  });
});

describe("fencing_rejections_total", () => {
  const count = async (source: string) =>
    (await metrics.fencingRejections.get()).values.find(
      v => v.labels.backend === "writer-test" && v.labels.source === source,
    )?.value ?? 0;

  it("counts the operator's own refusals and the API server's, by source", async () => {
    const { client } = fakeClient();
    const refusing = {
      ...client,
      apply: async () => {
        throw new KubeApiError(
          403,
          "Forbidden",
          "PATCH x: 403 highlander fence: stamped with epoch 5",
        );
      },
    } as unknown as KubeClient;
    const opts = { backend: "writer-test" };
    const [operatorBefore, apiBefore] = [await count("operator"), await count("apiserver")];
    await expect(
      new GuardedWriter(client, { check: () => ({ epoch: 4 }) }, opts).apply(obj(), obj("5")),
    ).rejects.toBeInstanceOf(FencedError);
    await expect(
      new GuardedWriter(refusing, { check: () => ({ epoch: 4 }) }, opts).apply(obj()),
    ).rejects.toBeInstanceOf(FenceRefusedError);
    expect(await count("operator")).toBe(operatorBefore + 1);
    expect(await count("apiserver")).toBe(apiBefore + 1);
  });
});
