// The Argo CD health check (gitops/argocd/health.lua, in a real Lua VM) on the objects a real operator
// writes on the local control plane: a service starting and rolling out is never Degraded and ends
// Healthy; a child the API server refuses (a missing PriorityClass) and pods the API server refuses (a
// missing ServiceAccount) are Degraded with the API server's message. With
// HIGHLANDER_CAPTURE_FIXTURES=1 the objects seen are written to gitops/argocd/fixtures/ (the unit
// test health.test.ts runs the script and the kstatus rules on them).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LuaFactory } from "wasmoon";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kubectl } from "../devenv/controlplane/cluster";
import { waitFor } from "../devenv/lib/processes";
import {
  FAST_LEASE,
  startOperator,
  stopOperators,
  type OperatorProcess,
  waitUntilLeading,
} from "../devenv/lib/operator";

const kubeconfig = inject("kubeconfig");
const ns = `argocd-${Date.now().toString(36)}`;
const k = (args: string[], input?: string) => kubectl(kubeconfig, args, input);
const script = readFileSync(
  join(import.meta.dirname, "..", "gitops", "argocd", "health.lua"),
  "utf8",
);
const fixtureDir = join(import.meta.dirname, "..", "gitops", "argocd", "fixtures");
const factory = new LuaFactory();
let operator: OperatorProcess | undefined;

type Obj = { metadata: Record<string, unknown>; status?: unknown };

async function health(obj: Obj): Promise<{ status: string; message: string }> {
  const lua = await factory.createEngine();
  try {
    lua.global.set("obj", obj);
    const h = (await lua.doString(script)) as { status: string; message: string };
    return { status: h.status, message: h.message };
  } finally {
    lua.global.close();
  }
}

function get(kind: string, name: string): Obj {
  const obj = JSON.parse(k(["get", kind, name, "-n", ns, "-o", "json"])) as Obj;
  delete obj.metadata.managedFields;
  return obj;
}

/** Writes the object as a fixture (name: what it shows), when capturing. */
function capture(file: string, expected: string, obj: Obj): void {
  if (process.env.HIGHLANDER_CAPTURE_FIXTURES !== "1") return;
  mkdirSync(fixtureDir, { recursive: true });
  writeFileSync(
    join(fixtureDir, `${file}.json`),
    `${JSON.stringify({ expected, capturedBy: "e2e/argocd-health.e2e.test.ts", object: obj }, null, 2)}\n`,
  );
}

/** Polls the object until `done`, returning every distinct health seen (with the object). */
async function watchHealth(
  kind: string,
  name: string,
  done: (h: string, obj: Obj) => boolean,
): Promise<{ health: string; message: string; obj: Obj }[]> {
  const seen: { health: string; message: string; obj: Obj }[] = [];
  await waitFor(
    `${kind}/${name} health`,
    async () => {
      const obj = get(kind, name);
      const h = await health(obj);
      const last = seen[seen.length - 1];
      if (!last || last.health !== h.status || last.message !== h.message)
        seen.push({ health: h.status, message: h.message, obj });
      return done(h.status, obj) ? true : undefined;
    },
    60_000,
    100,
  );
  return seen;
}

const workload = (kind: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: "highlander.plexobject.io/v1",
  kind,
  metadata: { name, namespace: ns },
  spec,
});

const current = (obj: Obj) =>
  (obj.status as { observedGeneration?: number } | undefined)?.observedGeneration ===
  obj.metadata.generation;

describe("Argo CD health on objects the operator writes", () => {
  beforeAll(async () => {
    k(["create", "namespace", ns]);
    // The workload policy (installed by other suites on the shared cluster) refuses a ServiceAccount
    // other than default; this namespace opts out, as an administrator would.
    k(["label", "namespace", ns, "highlander.plexobject.io/pod-security=privileged"]);
    operator = await startOperator({
      name: "argocd-op",
      kubeconfig,
      dir: mkdtempSync(join(tmpdir(), "highlander-op-")),
      env: { ...FAST_LEASE, HIGHLANDER_LEASE_NAMESPACE: ns, HIGHLANDER_TENANT: "default" },
    });
    await waitUntilLeading(operator);
  });

  afterAll(async () => {
    await stopOperators(operator);
    try {
      k(["delete", "namespace", ns, "--wait=false"]);
    } catch {
      // cleanup only
    }
  });

  it("a service starting and rolling out: Progressing, never Degraded, then Healthy", async () => {
    k(["apply"], JSON.stringify(workload("WorkloadService", "web", {
      image: "nginx:alpine", replicas: 1, ports: [{ name: "http", containerPort: 80 }],
    }))); // prettier-ignore
    const start = await watchHealth(
      "workloadservice",
      "web",
      (h, o) => h === "Healthy" && current(o),
    );
    expect(start.map(s => s.health)).not.toContain("Degraded");
    for (const s of start.filter(x => x.health === "Progressing" && x.obj.status))
      capture("service-starting", "Progressing", s.obj);
    capture("service-ready", "Healthy", start[start.length - 1].obj);

    k(["patch", "workloadservice", "web", "-n", ns, "--type=merge",
      "-p", JSON.stringify({ spec: { image: "nginx:1.27-alpine" } })]); // prettier-ignore
    const rollout = await watchHealth(
      "workloadservice",
      "web",
      (h, o) => h === "Healthy" && current(o) && o.metadata.generation === 2,
    );
    expect(rollout.map(s => s.health)).not.toContain("Degraded");
    for (const s of rollout.filter(x => x.health === "Progressing"))
      capture(
        current(s.obj) ? "service-rolling-out" : "service-spec-not-yet-observed",
        "Progressing",
        s.obj,
      );
    capture("service-rolled-out", "Healthy", rollout[rollout.length - 1].obj);
  });

  it("pods that cannot be scheduled yet: Progressing (Reconciling), not Degraded", async () => {
    // No node carries the label, so the pods stay Pending: a start (or rollout) still in progress.
    const nowhere = { nodeSelector: { "highlander.test/none": "true" } };
    k(["apply"], JSON.stringify(workload("WorkloadProcess", "pending-proc", {
      image: "busybox:1.36", command: ["sleep", "3600"], ...nowhere,
    }))); // prettier-ignore
    k(["apply"], JSON.stringify(workload("WorkloadService", "pending-web", {
      image: "nginx:alpine", replicas: 1, readinessTimeout: "10m", ...nowhere,
    }))); // prettier-ignore
    const reconciling = (o: Obj) =>
      current(o) &&
      ((o.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
        c => c.type === "Reconciling" && c.status === "True",
      );
    for (const [kind, name, file] of [
      ["workloadprocess", "pending-proc", "process-pod-pending"],
      ["workloadservice", "pending-web", "service-pods-pending"],
    ]) {
      const seen = await watchHealth(kind, name, (_h, o) => reconciling(o));
      expect(seen.map(s => s.health)).not.toContain("Degraded");
      expect(seen[seen.length - 1].health).toBe("Progressing");
      capture(file, "Progressing", seen[seen.length - 1].obj);
    }
    // A rollout of the ready service to pods that cannot start: Progressing for the new generation.
    k(["patch", "workloadservice", "web", "-n", ns, "--type=merge",
      "-p", JSON.stringify({ spec: { readinessTimeout: "10m", ...nowhere } })]); // prettier-ignore
    const rollout = await watchHealth("workloadservice", "web", (_h, o) => reconciling(o));
    expect(rollout.map(s => s.health)).not.toContain("Degraded");
    expect(rollout[rollout.length - 1].health).toBe("Progressing");
    capture("service-rolling-out", "Progressing", rollout[rollout.length - 1].obj);
  });

  it("a pod the API server refuses (missing PriorityClass): Degraded with its message", async () => {
    k(["apply"], JSON.stringify(workload("WorkloadProcess", "no-class", {
      image: "busybox:1.36", command: ["sleep", "3600"], priorityClassName: "no-such-class",
    }))); // prettier-ignore
    const seen = await watchHealth("workloadprocess", "no-class", h => h === "Degraded");
    const last = seen[seen.length - 1];
    expect(last.message).toContain("no-such-class");
    capture("process-child-refused", "Degraded", last.obj);
  });

  it("pods the API server refuses (missing ServiceAccount): Degraded with its message", async () => {
    k(["apply"], JSON.stringify(workload("WorkloadService", "no-sa", {
      image: "nginx:alpine", replicas: 1, serviceAccountName: "missing-sa",
    }))); // prettier-ignore
    const seen = await watchHealth("workloadservice", "no-sa", h => h === "Degraded");
    const last = seen[seen.length - 1];
    expect(last.message).toContain("missing-sa");
    capture("service-pods-refused", "Degraded", last.obj);
  });

  it("the predecessor's cron job: Healthy", async () => {
    k(["apply"], JSON.stringify(workload("WorkloadCronJob", "sample-cronjob", {
      image: "busybox:latest", schedule: "*/5 * * * *", script: { commands: ["echo hi"], shell: "/bin/sh" },
      env: { TEST_ENV: "crd-value" }, restartPolicy: "OnFailure",
    }))); // prettier-ignore
    const seen = await watchHealth(
      "workloadcronjob",
      "sample-cronjob",
      (h, o) => h === "Healthy" && current(o),
    );
    expect(seen.map(s => s.health)).not.toContain("Degraded");
    capture("cronjob-scheduling", "Healthy", seen[seen.length - 1].obj);
  });
});
