import { describe, expect, it } from "vitest";
import { matchRoute } from "./routes";
import { evaluateReadiness } from "./readiness";
import { canonicalKind, newestFirst } from "./views";

describe("matchRoute", () => {
  it.each([
    ["GET", "/", "dashboard", {}],
    ["GET", "/healthz", "healthz", {}],
    ["GET", "/readyz", "readyz", {}],
    ["GET", "/health", "readyz", {}],
    ["GET", "/status", "status", {}],
    ["GET", "/api/status", "status", {}],
    ["GET", "/api/workloads", "workloads", {}],
    ["GET", "/api/workload-names", "workloadNames", {}],
    ["GET", "/api/workloads/x", "workloadByName", { name: "x" }],
    [
      "GET",
      "/api/workloads/ns/WorkloadProcess/x",
      "workload",
      { namespace: "ns", kind: "WorkloadProcess", name: "x" },
    ],
    ["GET", "/api/leader", "leader", {}],
    ["POST", "/api/leader/step-down", "stepDown", {}],
    ["GET", "/api/dbinfo", "dbinfo", {}],
    ["GET", "/api/pods", "pods", {}],
    ["GET", "/debug/status", "debugStatus", {}],
    ["GET", "/metrics", "metrics", {}],
    ["HEAD", "/metrics", "metrics", {}],
    ["GET", "/api/workloads/a%2Fb", "workloadByName", { name: "a/b" }],
  ])("%s %s → %s", (method, path, name, params) => {
    expect(matchRoute(method, path)).toEqual({ kind: "route", name, params });
  });

  it("reports 404 and 405 distinctly", () => {
    expect(matchRoute("GET", "/x")).toEqual({ kind: "not-found" });
    expect(matchRoute("DELETE", "/api/status")).toEqual({
      kind: "method-not-allowed",
      allow: ["GET", "HEAD"],
    });
    expect(matchRoute("GET", "/%E0%A4%A")).toEqual({ kind: "not-found" });
  });
});

describe("evaluateReadiness", () => {
  const all = { watchesSynced: true, lostWatches: [], storageReachable: true, isLeader: false };
  it("is ready when watches are synced and storage is reachable", () => {
    expect(evaluateReadiness(all, false)).toMatchObject({ ready: true, reasons: [] });
  });
  it("lists every reason it is not", () => {
    expect(
      evaluateReadiness(
        { watchesSynced: false, lostWatches: [], storageReachable: false, isLeader: false },
        true,
      ).reasons,
    ).toEqual([
      "watches have not synced yet",
      "lock storage is unreachable",
      "not the leader (readyOnlyWhenLeader is set)",
    ]);
  });
  it("is not ready while a CRD lacks our schema, and says how to install ours", () => {
    const crdProblem =
      "CustomResourceDefinitions without Highlander's schema: workloadprocesses.highlander.plexobject.io";
    expect(evaluateReadiness({ ...all, crdProblem }, false)).toMatchObject({
      ready: false,
      reasons: [crdProblem],
    });
    expect(evaluateReadiness({ ...all, crdProblem: null }, false).ready).toBe(true);
  });
  it("is not ready while a watch is lost, and says which", () => {
    const lost = ["Pod in team-a: Forbidden"];
    expect(evaluateReadiness({ ...all, lostWatches: lost }, false)).toMatchObject({
      ready: false,
      reasons: ["watch lost: Pod in team-a: Forbidden"],
    });
  });
  it("with readyOnlyWhenLeader, a synced leader is ready", () => {
    expect(evaluateReadiness({ ...all, isLeader: true }, true).ready).toBe(true);
  });
});

describe("views", () => {
  it("maps kind spellings to kinds", () => {
    expect(canonicalKind("wpers")).toBe("WorkloadPersistent");
    expect(canonicalKind("WORKLOADCRONJOBS")).toBe("WorkloadCronJob");
    expect(canonicalKind("Deployment")).toBeUndefined();
  });
  it("sorts events newest first without changing the input", () => {
    const events = [
      { at: "2025-01-01T00:00:00Z", type: "acquired" as const, id: "a", epoch: 1, detail: "" },
      { at: "2025-01-02T00:00:00Z", type: "lost" as const, id: "a", epoch: 1, detail: "" },
    ];
    expect(newestFirst(events).map(e => e.type)).toEqual(["lost", "acquired"]);
    expect(events[0]?.type).toBe("acquired");
  });
});
