import { describe, expect, it } from "vitest";
import { fullProcessSpec } from "../../crd/samples";
import { durationToSeconds, parseDuration } from "./duration";
import { buildEnv } from "./env";
import { shortHash, stableStringify } from "./hash";
import {
  childMetadata,
  ownerReference,
  selectorLabels,
  tenantLabelValue,
  workloadLabels,
} from "./labels";
import { buildMainContainer, buildPodSpec, containerCommand, podMetadata } from "./pod-template";
import { buildResources, isQuantity } from "./resources";
import { CTX, cr } from "./test-fixtures";
import { buildVolumes, generatedVolumeName, mainVolumeMounts } from "./volumes";
import { serviceNames } from "../../kinds/service/names";

describe("parseDuration", () => {
  it.each([
    ["30s", 30_000],
    ["1m30s", 90_000],
    ["2h", 7_200_000],
    ["250ms", 250],
    ["1.5s", 1500],
    ["0", 0],
    ["1h2m3s", 3_723_000],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "30", "s", "1x", "1m 30s", "-1s", "ten seconds"])("rejects %j", text =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it("rounds seconds up", () => {
    expect(durationToSeconds("1500ms")).toBe(2);
    expect(durationToSeconds("1m30s")).toBe(90);
  });
});

describe("buildEnv", () => {
  it("merges the map and extra entries into one list sorted by name", () => {
    const env = buildEnv({ ZED: "z", ALPHA: "a" }, [
      { name: "MIDDLE", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "BETA", value: "b" },
    ]);
    expect(env?.map(e => e.name)).toEqual(["ALPHA", "BETA", "MIDDLE", "ZED"]);
    expect(env?.[2]).toEqual({
      name: "MIDDLE",
      valueFrom: { fieldRef: { fieldPath: "metadata.name" } },
    });
  });

  it("is independent of map insertion order", () => {
    expect(buildEnv({ A: "1", B: "2" }, undefined)).toEqual(
      buildEnv({ B: "2", A: "1" }, undefined),
    );
  });

  it("returns undefined when empty", () => expect(buildEnv(undefined, [])).toBeUndefined());
});

describe("labels and owner references", () => {
  const w = cr("WorkloadService", "web", { image: "x", replicas: 1 });

  it("selects by workload and kind only", () => {
    expect(selectorLabels("web", "service")).toEqual({
      "highlander.plexobject.io/workload": "web",
      "highlander.plexobject.io/kind": "service",
    });
  });

  it("labels children with managed-by, name, workload, kind and tenant", () => {
    expect(workloadLabels("web", "service", "team-a")).toEqual({
      "app.kubernetes.io/managed-by": "highlander",
      "app.kubernetes.io/name": "web",
      "highlander.plexobject.io/workload": "web",
      "highlander.plexobject.io/kind": "service",
      "highlander.plexobject.io/tenant": "team-a",
    });
  });

  it("makes tenant names label-safe", () => {
    expect(tenantLabelValue("team a/b")).toBe("team-a-b");
    expect(tenantLabelValue("-x-")).toBe("x");
    expect(tenantLabelValue("x".repeat(80))).toHaveLength(63);
  });

  it("points the owner reference at the custom resource as its controller", () => {
    expect(ownerReference(w, serviceNames)).toEqual({
      apiVersion: "highlander.plexobject.io/v1",
      kind: "WorkloadService",
      name: "web",
      uid: "uid-web",
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(() => ownerReference({ metadata: { name: "x" } }, serviceNames)).toThrow(/uid/);
  });

  it("leaves the epoch annotation to the guarded writer", () => {
    const meta = childMetadata(w, serviceNames, CTX, "web");
    expect(meta.annotations).toEqual({});
    expect(meta.namespace).toBe("apps");
  });
});

describe("resources", () => {
  it("maps the four strings to requests and limits", () => {
    expect(
      buildResources({
        cpuRequest: "50m",
        memoryRequest: "32Mi",
        cpuLimit: "100m",
        memoryLimit: "64Mi",
      }),
    ).toEqual({
      requests: { cpu: "50m", memory: "32Mi" },
      limits: { cpu: "100m", memory: "64Mi" },
    });
    expect(buildResources({ cpuLimit: "1" })).toEqual({ limits: { cpu: "1" } });
    expect(buildResources({})).toBeUndefined();
  });

  it.each(["100m", "0.5", "64Mi", "1Gi", "1e3", "2"])("accepts quantity %s", q =>
    expect(isQuantity(q)).toBe(true),
  );
  it.each(["lots", "1 Gi", "Mi", "1GB", ""])("rejects quantity %j", q =>
    expect(isQuantity(q)).toBe(false),
  );
});

describe("pod template", () => {
  it("runs the predecessor's script as shell -c with lines joined by newlines", () => {
    expect(
      containerCommand({
        image: "x",
        script: { commands: ["echo a", "echo b"], shell: "/bin/bash" },
      }),
    ).toEqual({
      command: ["/bin/bash", "-c", "set -e\necho a\necho b"],
    });
    // errexit: false drops the `set -e` (the predecessor always had it).
    expect(
      containerCommand({
        image: "x",
        script: { commands: ["false", "echo still here"], errexit: false },
      }).command,
    ).toEqual(["/bin/sh", "-c", "false\necho still here"]);
    expect(containerCommand({ image: "x", script: { commands: ["true"] } }).command?.[0]).toBe(
      "/bin/sh",
    );
    expect(containerCommand({ image: "x", command: ["a"], args: ["b"] })).toEqual({
      command: ["a"],
      args: ["b"],
    });
    expect(containerCommand({ image: "x" })).toEqual({});
  });

  it("mounts config maps at /etc/config/NAME and secrets at /etc/secrets/NAME, read-only", () => {
    const spec = { image: "x", configMaps: ["settings"], secrets: ["creds"] };
    expect(buildVolumes(spec)).toEqual([
      { name: "config-settings", configMap: { name: "settings" } },
      { name: "secret-creds", secret: { secretName: "creds" } },
    ]);
    expect(mainVolumeMounts(spec)).toEqual([
      { name: "config-settings", mountPath: "/etc/config/settings", readOnly: true },
      { name: "secret-creds", mountPath: "/etc/secrets/creds", readOnly: true },
    ]);
  });

  it("gives dotted or long object names a valid, distinct volume name", () => {
    const a = generatedVolumeName("config", "my.settings");
    const b = generatedVolumeName("config", "my-settings");
    expect(a).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(a).not.toBe(b);
    expect(generatedVolumeName("secret", "s".repeat(200)).length).toBeLessThanOrEqual(63);
  });

  it("builds the main container and sidecars from a full spec", () => {
    const spec = fullProcessSpec();
    const podSpec = buildPodSpec(spec, { restartPolicy: "Never" });
    expect(podSpec.containers.map(c => c.name)).toEqual(["main", "log-shipper"]);
    expect(podSpec.containers[1].env).toEqual([{ name: "SHIP_TO", value: "loki" }]);
    expect(podSpec.containers[1].volumeMounts).toEqual([
      { name: "scratch", mountPath: "/var/log/app", readOnly: true },
    ]);
    expect(podSpec.volumes?.map(v => v.name)).toEqual([
      "config-app-config",
      "secret-app-secret",
      "scratch",
    ]);
    expect(podSpec.imagePullSecrets).toEqual([{ name: "regcred" }]);
    expect(podSpec.serviceAccountName).toBe("worker");
    expect(podSpec.tolerations).toHaveLength(1);
    expect(podSpec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const main = buildMainContainer(spec);
    expect(main.env?.map(e => e.name)).toEqual(["A_VAR", "B_VAR", "LITERAL", "POD_NAME"]);
    expect(main.envFrom).toHaveLength(2);
    expect(main.securityContext).toEqual({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(main.startupProbe).toEqual({ exec: { command: ["true"] }, failureThreshold: 30 });
  });

  it("gives pods the stable labels, user labels and no epoch", () => {
    const meta = podMetadata("job", "process", "t", {
      image: "x",
      podLabels: { team: "a" },
      podAnnotations: { n: "1" },
    });
    expect(meta.labels).toMatchObject({ team: "a", "highlander.plexobject.io/workload": "job" });
    expect(meta.annotations).toEqual({ n: "1", "kubectl.kubernetes.io/default-container": "main" });
    expect(JSON.stringify(meta)).not.toContain("epoch");
  });
});

describe("stable hashing", () => {
  it("ignores key order and undefined values", () => {
    expect(stableStringify({ b: 1, a: [1, { d: 2, c: undefined }] })).toBe(
      '{"a":[1,{"d":2}],"b":1}',
    );
    expect(shortHash({ a: 1, b: 2 })).toBe(shortHash({ b: 2, a: 1 }));
    expect(shortHash({ a: 1 })).not.toBe(shortHash({ a: 2 }));
  });
});
