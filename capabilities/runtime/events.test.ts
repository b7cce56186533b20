import { describe, expect, it } from "vitest";
import type { KubeObject } from "./kube-client";
import { EventRecorder, type EventWriter } from "./events";

const workload: KubeObject = {
  apiVersion: "highlander.plexobject.io/v1",
  kind: "WorkloadCronJob",
  metadata: { name: "tick", namespace: "apps", uid: "u1" },
};

/** A writer whose sends finish only when released, recording what it was given. */
class HeldWriter implements EventWriter {
  readonly sent: KubeObject[] = [];
  readonly #release: Array<() => void> = [];
  fail = false;

  async createIfAbsent<T extends KubeObject>(obj: T): Promise<T | undefined> {
    this.sent.push(obj);
    await new Promise<void>(resolve => this.#release.push(resolve));
    if (this.fail) throw new Error("refused");
    return obj;
  }

  get waiting(): number {
    return this.#release.length;
  }

  releaseAll(): void {
    for (const resolve of this.#release.splice(0)) resolve();
  }
}

describe("EventRecorder", () => {
  it("returns before the event is written and sends at most a few at once", async () => {
    const writer = new HeldWriter();
    const recorder = new EventRecorder(() => writer, "op-0", "default");
    for (let i = 0; i < 10; i++)
      await recorder.record(workload, "Normal", "JobCreated", `job ${i}`);
    expect(writer.waiting).toBe(4);
    while (writer.sent.length < 10 || writer.waiting > 0) {
      writer.releaseAll();
      await new Promise(resolve => setImmediate(resolve));
    }
    await recorder.drained();
    expect(writer.sent.map(e => (e as { message?: string }).message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `job ${i}`),
    );
  });

  it("does not repeat the same reason and message for an object within the window", async () => {
    const writer = new HeldWriter();
    const recorder = new EventRecorder(() => writer, "op-0", "default");
    await recorder.record(workload, "Warning", "ChildRejected", "quota");
    await recorder.record(workload, "Warning", "ChildRejected", "quota");
    writer.releaseAll();
    await recorder.drained();
    expect(writer.sent).toHaveLength(1);
  });

  it("a failed send is reported, never thrown, and the rest still go out", async () => {
    const writer = new HeldWriter();
    writer.fail = true;
    const errors: unknown[] = [];
    const recorder = new EventRecorder(
      () => writer,
      "op-0",
      "default",
      err => errors.push(err),
    );
    await recorder.record(workload, "Normal", "A", "a");
    await recorder.record(workload, "Normal", "B", "b");
    writer.releaseAll();
    await recorder.drained();
    expect(errors).toHaveLength(2);
    expect(writer.sent).toHaveLength(2);
  });
});
