import { describe, expect, it } from "vitest";
import { fullServiceSpec } from "../../crd/samples";
import type { WorkloadServiceSpec } from "../../crd/types";
import { CTX, cr } from "../../controllers/common/test-fixtures";
import { buildDeployment, buildService } from "./build";

const spec: WorkloadServiceSpec = {
  image: "nginx:1.27",
  replicas: 1,
  ports: [{ name: "http", containerPort: 8080, servicePort: 80 }, { containerPort: 9090 }],
  healthCheckPath: "/healthz",
  readinessTimeout: "2m",
  env: { B: "2", A: "1" },
};
const svc = cr("WorkloadService", "web", spec);

describe("buildDeployment", () => {
  const d = buildDeployment(svc, CTX);

  it("uses Recreate so two pods never overlap, and the spec's replicas", () => {
    expect(d.spec?.strategy).toEqual({ type: "Recreate" });
    expect(d.spec?.replicas).toBe(1);
    expect(d.spec?.progressDeadlineSeconds).toBe(120);
  });

  it("selects by the stable labels only and keeps the epoch off the pod template", () => {
    expect(d.spec?.selector).toEqual({
      matchLabels: {
        "highlander.plexobject.io/workload": "web",
        "highlander.plexobject.io/kind": "service",
      },
    });
    expect(d.metadata?.annotations).toEqual({});
    expect(JSON.stringify(d.spec?.template)).not.toContain("epoch");
    expect(d.spec?.template.metadata?.labels).toMatchObject(d.spec?.selector?.matchLabels ?? {});
    expect(d.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "WorkloadService",
      name: "web",
      uid: "uid-web",
    });
  });

  it("derives HTTP readiness and liveness probes from healthCheckPath and the first port", () => {
    const c = d.spec?.template.spec?.containers[0];
    expect(c?.readinessProbe?.httpGet).toEqual({ path: "/healthz", port: 8080 });
    expect(c?.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: 8080 });
    expect(c?.ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
      { name: "port-9090", containerPort: 9090, protocol: "TCP" },
    ]);
    expect(c?.env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    expect(d.spec?.template.spec?.restartPolicy).toBe("Always");
  });

  it("lets explicit probes override, and healthCheckPort pick the port", () => {
    const full = buildDeployment(cr("WorkloadService", "full", fullServiceSpec()), CTX);
    const c = full.spec?.template.spec?.containers[0];
    expect(c?.readinessProbe).toEqual({ exec: { command: ["true"] }, periodSeconds: 5 });
    const custom = buildDeployment(
      cr("WorkloadService", "w", { ...spec, healthCheckPort: 9999 }),
      CTX,
    );
    expect(custom.spec?.template.spec?.containers[0].readinessProbe?.httpGet?.port).toBe(9999);
  });

  it("has no probes without healthCheckPath", () => {
    const plain = buildDeployment(cr("WorkloadService", "w", { image: "x", replicas: 2 }), CTX);
    expect(plain.spec?.template.spec?.containers[0].readinessProbe).toBeUndefined();
    expect(plain.spec?.progressDeadlineSeconds).toBeUndefined();
  });

  it("scales to 0 when stopped (a cluster that does not lead)", () => {
    expect(buildDeployment(svc, { ...CTX, stopped: true }).spec?.replicas).toBe(0);
  });

  it("RollingUpdate never surges", () => {
    const r = buildDeployment(
      cr("WorkloadService", "w", { ...spec, strategy: "RollingUpdate" }),
      CTX,
    );
    expect(r.spec?.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
    });
  });

  it("is deterministic", () => expect(buildDeployment(svc, CTX)).toEqual(d));
});

describe("buildService", () => {
  it("publishes servicePort → containerPort on a ClusterIP Service", () => {
    const s = buildService(svc, CTX);
    expect(s?.metadata?.name).toBe("web");
    expect(s?.spec?.type).toBe("ClusterIP");
    expect(s?.spec?.ports).toEqual([
      { name: "http", port: 80, targetPort: 8080, protocol: "TCP" },
      { name: "port-9090", port: 9090, targetPort: 9090, protocol: "TCP" },
    ]);
    expect(s?.spec?.selector).toEqual({
      "highlander.plexobject.io/workload": "web",
      "highlander.plexobject.io/kind": "service",
    });
    expect(s?.metadata?.labels?.["highlander.plexobject.io/tenant"]).toBe("team-a");
  });

  it("is not built without ports", () => {
    expect(
      buildService(cr("WorkloadService", "w", { image: "x", replicas: 1 }), CTX),
    ).toBeUndefined();
  });
});
