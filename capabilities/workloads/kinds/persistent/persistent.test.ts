import { describe, expect, it } from "vitest";
import type { WorkloadPersistentSpec } from "../../crd/types";
import { CTX, cr } from "../../controllers/common/test-fixtures";
import { buildHeadlessService, buildPortsService, buildStatefulSet } from "./build";

const spec: WorkloadPersistentSpec = {
  image: "postgres:16",
  replicas: 1,
  ports: [{ name: "pg", containerPort: 5432 }],
  persistentVolumes: [
    { name: "data", mountPath: "/var/lib/postgresql/data", size: "1Gi", storageClassName: "fast" },
    { name: "wal", mountPath: "/wal", size: "512Mi" },
  ],
};
const db = cr("WorkloadPersistent", "db", spec);

describe("buildStatefulSet", () => {
  const s = buildStatefulSet(db, CTX);

  it("is OrderedReady, governed by the headless Service named after the workload", () => {
    expect(s.spec?.podManagementPolicy).toBe("OrderedReady");
    expect(s.spec?.serviceName).toBe("db");
    expect(s.spec?.replicas).toBe(1);
    expect(s.spec?.selector?.matchLabels).toEqual({
      "highlander.plexobject.io/workload": "db",
      "highlander.plexobject.io/kind": "persistent",
    });
  });

  it("has one claim template per persistent volume, mounted at its path", () => {
    expect(s.spec?.volumeClaimTemplates?.map(t => t.metadata?.name)).toEqual(["data", "wal"]);
    expect(s.spec?.volumeClaimTemplates?.[0].spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "1Gi" } },
      storageClassName: "fast",
    });
    expect(s.spec?.volumeClaimTemplates?.[1].spec?.storageClassName).toBeUndefined();
    expect(s.spec?.template.spec?.containers[0].volumeMounts).toEqual([
      { name: "data", mountPath: "/var/lib/postgresql/data" },
      { name: "wal", mountPath: "/wal" },
    ]);
  });

  it("keeps claims when scaled to 0 and deletes them with the workload", () => {
    expect(s.spec?.persistentVolumeClaimRetentionPolicy).toEqual({
      whenDeleted: "Delete",
      whenScaled: "Retain",
    });
    expect(buildStatefulSet(db, { ...CTX, stopped: true }).spec?.replicas).toBe(0);
  });

  it("uses serviceName when given", () => {
    const named = cr("WorkloadPersistent", "db", { ...spec, serviceName: "db-peers" });
    expect(buildStatefulSet(named, CTX).spec?.serviceName).toBe("db-peers");
    expect(buildHeadlessService(named, CTX).metadata?.name).toBe("db-peers");
  });

  it("leaves the epoch to the writer, and off the pod template", () => {
    expect(s.metadata?.annotations?.["highlander.plexobject.io/epoch"]).toBeUndefined();
    expect(JSON.stringify(s.spec?.template)).not.toContain("epoch");
  });
});

describe("Services of a persistent set", () => {
  it("headless: clusterIP None, same selector", () => {
    const h = buildHeadlessService(db, CTX);
    expect(h.metadata?.name).toBe("db");
    expect(h.spec?.clusterIP).toBe("None");
    expect(h.spec?.ports).toEqual([{ name: "pg", port: 5432, targetPort: 5432, protocol: "TCP" }]);
    expect(h.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "WorkloadPersistent",
      name: "db",
    });
  });

  it("ports: ClusterIP named <name>-ports, absent without ports", () => {
    const p = buildPortsService(db, CTX);
    expect(p?.metadata?.name).toBe("db-ports");
    expect(p?.spec?.type).toBe("ClusterIP");
    expect(
      buildPortsService(cr("WorkloadPersistent", "x", { image: "x", replicas: 1 }), CTX),
    ).toBeUndefined();
    expect(
      buildHeadlessService(cr("WorkloadPersistent", "x", { image: "x", replicas: 1 }), CTX).spec
        ?.ports,
    ).toEqual([]);
  });
});
