// Runs gitops/argocd/health.lua in a real Lua VM (wasmoon) the way Argo CD does: the resource in the
// global `obj`, the script's returned table as the health. On objects a real operator wrote on the local
// control plane (fixtures/*.json, captured by e2e/argocd-health.e2e.test.ts), and for states the fake
// nodes cannot produce, on statuses the operator's own pure functions compute (status-fixtures.ts); none
// is hand-written. The same objects are checked against the kstatus rules that Flux applies.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LuaFactory } from "wasmoon";
import type { LuaEngine } from "wasmoon";
import { describe, expect, it } from "vitest";
import type { Condition } from "../../capabilities/workloads/crd/types";
import { statusFixtures, type StatusFixture } from "./status-fixtures";

const script = readFileSync(join(import.meta.dirname, "health.lua"), "utf8");

interface Health {
  status: string;
  message: string;
}

const factory = new LuaFactory();

/** One fresh VM per check, as Argo CD runs the script per resource (and wasmoon's heap stays small). */
async function health(obj: object): Promise<Health> {
  const lua: LuaEngine = await factory.createEngine();
  try {
    lua.global.set("obj", obj);
    // Argo CD runs the script as a chunk and takes its return value.
    const h = (await lua.doString(script)) as Health;
    return { status: h.status, message: h.message };
  } finally {
    lua.global.close();
  }
}

const fixtures = statusFixtures();

/** Objects a real operator wrote during `HIGHLANDER_CAPTURE_FIXTURES=1` e2e runs (e2e/argocd-health). */
const fixtureDir = join(import.meta.dirname, "fixtures");
const TYPES = { WorkloadProcess: "process", WorkloadCronJob: "cronjob", WorkloadService: "service",
  WorkloadPersistent: "persistent" } as const; // prettier-ignore
const captured: StatusFixture[] = existsSync(fixtureDir)
  ? readdirSync(fixtureDir)
      .filter(f => f.endsWith(".json"))
      .sort()
      .map(f => {
        const { expected, object } = JSON.parse(readFileSync(join(fixtureDir, f), "utf8")) as {
          expected: StatusFixture["health"];
          object: StatusFixture["object"];
        };
        const type = TYPES[(object.kind ?? "") as keyof typeof TYPES] ?? "process";
        return { name: `captured ${f}`, type, object, health: expected };
      })
  : [];
const conditionOf = (f: StatusFixture, type: string): Condition | undefined =>
  f.object.status?.conditions?.find(c => c.type === type);

describe("Argo CD health of the statuses the operator writes", () => {
  it("covers every kind and every health", () => {
    expect(new Set(fixtures.map(f => f.type))).toEqual(
      new Set(["process", "cronjob", "service", "persistent"]),
    );
    expect(new Set(fixtures.map(f => f.health))).toEqual(
      new Set(["Healthy", "Progressing", "Degraded"]),
    );
  });

  it.each(fixtures.map(f => [f.name, f] as const))("%s", async (_name, f) => {
    const h = await health(f.object);
    expect(h.status).toBe(f.health);
    expect(h.message).toBeTruthy();
    // Degraded says why in the operator's (or the API server's) own words.
    if (f.health === "Degraded") {
      const stalled = conditionOf(f, "Stalled");
      const ready = conditionOf(f, "Ready");
      expect([stalled?.message, ready?.message]).toContain(h.message);
    }
  });

  it("shows a refused child's API server message", async () => {
    const refused = fixtures.find(f => f.name === "service: the API server refused the Deployment");
    expect(refused).toBeDefined();
    const h = await health(refused?.object ?? {});
    expect(h).toMatchObject({ status: "Degraded" });
    expect(h.message).toContain('Invalid value: "A=B"');
  });

  it("is Progressing before the operator wrote any status", async () => {
    const fresh = { ...fixtures[0].object, status: undefined };
    expect((await health(fresh)).status).toBe("Progressing");
  });

  it("is Degraded for a status from an operator older than the Stalled condition", async () => {
    // The same failure without Reconciling/Stalled, as the previous release wrote it.
    const spent = fixtures.find(f => f.name === "process: restart budget spent");
    const old = structuredClone(spent?.object ?? fixtures[0].object);
    if (old.status) {
      old.status.conditions = old.status.conditions?.filter(
        c => c.type !== "Stalled" && c.type !== "Reconciling",
      );
    }
    expect(await health(old)).toMatchObject({ status: "Degraded" });
  });
});

type KStatus = "InProgress" | "Failed" | "Current";

/**
 * The kstatus rules for a custom resource (sigs.k8s.io/cli-utils, kstatus README: "abnormal-true"
 * conditions), which Flux's health checks use: status behind the spec or Reconciling=True is
 * InProgress, Stalled=True is Failed, anything else is Current. Written from the documented rules.
 */
function kstatus(f: StatusFixture): KStatus {
  const generation = f.object.metadata?.generation;
  const observed = f.object.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed < generation)
    return "InProgress";
  if (conditionOf(f, "Reconciling")?.status === "True") return "InProgress";
  if (conditionOf(f, "Stalled")?.status === "True") return "Failed";
  return "Current";
}

/** Ready=False situations where kstatus and Argo CD knowingly differ (see docs/operations.md, GitOps). */
const KSTATUS_DIFFERS: Record<string, [KStatus, string]> = {
  // A finished failed run: nothing converges until the next tick, so it is not InProgress for Flux.
  "cronjob: the last run failed": ["Current", "Degraded"],
  // The pod failed and restartPolicy OnFailure restarts it: Flux waits, Argo CD shows the failure.
  "process: pod failed, restart pending (OnFailure)": ["InProgress", "Degraded"],
};

/** The condition set follows kstatus: abnormal-true Reconciling/Stalled, consistent with Ready. */
function expectKstatusConditions(f: StatusFixture): void {
  const ready = conditionOf(f, "Ready");
  const reconciling = conditionOf(f, "Reconciling");
  const stalled = conditionOf(f, "Stalled");
  // All three are always present, for the generation they describe.
  for (const c of [ready, reconciling, stalled]) {
    expect(c?.status).toMatch(/^(True|False)$/);
    expect(c?.observedGeneration).toBe(f.object.metadata?.generation);
    expect(c?.reason).toMatch(/^[A-Z][A-Za-z]*$/);
  }
  // Abnormal-true: never converging and stuck at once; Ready excludes both.
  expect(reconciling?.status === "True" && stalled?.status === "True").toBe(false);
  if (ready?.status === "True") {
    expect(reconciling?.status).toBe("False");
    expect(stalled?.status).toBe("False");
  }
  // Not Ready means converging or stuck, except a cron job settled on a failed run.
  if (ready?.status !== "True" && ready?.reason !== "LastRunFailed") {
    expect(reconciling?.status === "True" || stalled?.status === "True").toBe(true);
  }
  // Stalled carries Ready's reason and message, so kstatus tools show the same cause.
  if (stalled?.status === "True")
    expect(stalled).toMatchObject({ reason: ready?.reason, message: ready?.message });
}

describe("kstatus rules on the same statuses", () => {
  const current = fixtures.filter(
    f => f.object.status?.observedGeneration === f.object.metadata?.generation,
  );

  it.each(current.map(f => [f.name, f] as const))(
    "%s: a kstatus-compatible condition set",
    (_n, f) => expectKstatusConditions(f),
  );

  it.each(fixtures.map(f => [f.name, f] as const))(
    "%s: kstatus agrees with Argo CD",
    async (name, f) => {
      const expected: Record<KStatus, string> = {
        InProgress: "Progressing",
        Failed: "Degraded",
        Current: "Healthy",
      };
      const k = kstatus(f);
      const argo = (await health(f.object)).status;
      const known = KSTATUS_DIFFERS[name];
      if (known) expect([k, argo]).toEqual(known);
      else expect(argo).toBe(expected[k]);
    },
  );
});

describe.skipIf(captured.length === 0)(
  "objects a real operator wrote (captured by the e2e run)",
  () => {
    it.each(captured.map(f => [f.name, f] as const))("%s", async (_n, f) => {
      expect((await health(f.object)).status).toBe(f.health);
      if (f.object.status?.observedGeneration === f.object.metadata?.generation)
        expectKstatusConditions(f);
    });
  },
);
