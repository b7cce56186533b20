// Runs gitops/argocd/health.lua in a real Lua VM (wasmoon) the way Argo CD does: the resource in the
// global `obj`, the script's returned table as the health. Samples for every kind and every outcome.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LuaFactory } from "wasmoon";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LuaEngine } from "wasmoon";

const script = readFileSync(join(import.meta.dirname, "health.lua"), "utf8");
const kinds = ["WorkloadProcess", "WorkloadCronJob", "WorkloadService", "WorkloadPersistent"];

interface Health {
  status: string;
  message: string;
}

let lua: LuaEngine;

beforeAll(async () => {
  lua = await new LuaFactory().createEngine();
});

afterAll(() => lua.global.close());

async function health(obj: Record<string, unknown>): Promise<Health> {
  lua.global.set("obj", obj);
  // Argo CD runs the script as a chunk and takes its return value.
  return (await lua.doString(script)) as Health;
}

type Condition = {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
};

function cond(type: string, status: Condition["status"], message: string): Condition {
  return { type, status, reason: `${type}${status}`, message };
}

function resource(
  kind: string,
  generation: number,
  status?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    apiVersion: "highlander.plexobject.io/v1",
    kind,
    metadata: { name: "sample", namespace: "default", generation },
    spec: { image: "busybox:latest" },
    ...(status ? { status } : {}),
  };
}

describe.each(kinds)("Argo CD health of a %s", kind => {
  it("is Healthy when Ready=True and healthy, with Ready's message", async () => {
    const obj = resource(kind, 2, {
      observedGeneration: 2,
      active: true,
      healthy: true,
      conditions: [
        cond("Ready", "True", "1/1 pods ready"),
        cond("Healthy", "True", "ok"),
        cond("InvalidSpec", "False", ""),
      ],
    });
    expect(await health(obj)).toEqual({ status: "Healthy", message: "1/1 pods ready" });
  });

  it("is Progressing without status", async () => {
    expect((await health(resource(kind, 1))).status).toBe("Progressing");
  });

  it("is Progressing while the controller has not observed the latest generation", async () => {
    const obj = resource(kind, 3, {
      observedGeneration: 2,
      healthy: true,
      conditions: [cond("Ready", "True", "ready"), cond("Healthy", "True", "ok")],
    });
    expect(await health(obj)).toEqual({
      status: "Progressing",
      message: "Waiting for the Highlander controller to observe generation 3",
    });
  });

  it("is Progressing while Ready is Unknown or missing, with Ready's message", async () => {
    const unknown = resource(kind, 1, {
      observedGeneration: 1,
      conditions: [
        cond("Ready", "Unknown", "waiting for the leader"),
        cond("Healthy", "Unknown", ""),
      ],
    });
    expect(await health(unknown)).toEqual({
      status: "Progressing",
      message: "waiting for the leader",
    });
    const missing = resource(kind, 1, { observedGeneration: 1, conditions: [] });
    expect((await health(missing)).status).toBe("Progressing");
  });

  it("is Degraded when InvalidSpec=True, with its message", async () => {
    const obj = resource(kind, 1, {
      observedGeneration: 1,
      conditions: [
        cond("Ready", "False", "not ready"),
        cond("InvalidSpec", "True", "spec.schedule: bad cron"),
      ],
    });
    expect(await health(obj)).toEqual({ status: "Degraded", message: "spec.schedule: bad cron" });
  });

  it("is Degraded when Healthy=False or Degraded=True, with the condition's message", async () => {
    const unhealthy = resource(kind, 1, {
      observedGeneration: 1,
      healthy: false,
      conditions: [
        cond("Ready", "False", "0/1 ready"),
        cond("Healthy", "False", "restart budget exhausted"),
      ],
    });
    expect(await health(unhealthy)).toEqual({
      status: "Degraded",
      message: "restart budget exhausted",
    });
    const degraded = resource(kind, 1, {
      observedGeneration: 1,
      conditions: [
        cond("Ready", "True", "ready"),
        cond("Degraded", "True", "1 of 2 replicas unavailable"),
      ],
    });
    expect(await health(degraded)).toEqual({
      status: "Degraded",
      message: "1 of 2 replicas unavailable",
    });
  });

  it("is Degraded when Ready=True but status.healthy is false", async () => {
    const obj = resource(kind, 1, {
      observedGeneration: 1,
      healthy: false,
      message: "last run failed",
      conditions: [cond("Ready", "True", "ready")],
    });
    expect(await health(obj)).toEqual({ status: "Degraded", message: "last run failed" });
  });
});

describe("argocd-cm snippet", () => {
  it("carries health.lua for each of the four kinds", () => {
    const cm = parse(readFileSync(join(import.meta.dirname, "argocd-cm.yaml"), "utf8")) as {
      data: Record<string, string>;
    };
    expect(Object.keys(cm.data).sort()).toEqual(
      kinds.map(k => `resource.customizations.health.highlander.plexobject.io_${k}`).sort(),
    );
    for (const value of Object.values(cm.data)) expect(value).toBe(script);
  });
});
