// The foundation every other e2e test stands on: the local control plane is a real Kubernetes.
// Nodes are Ready, a Deployment becomes available, a Job completes, a CRD can be installed, a custom
// resource applied with kubectl is read back, and an update arrives through kubernetes-fluent-client.
import { GenericKind, K8s, RegisterKind, WatchEvent } from "kubernetes-fluent-client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { kubectl } from "../devenv/controlplane/cluster";
import { waitFor } from "../devenv/lib/processes";

const kubeconfig = inject("kubeconfig");
const ns = `foundation-${Date.now().toString(36)}`;

function k(args: string[], input?: string): string {
  return kubectl(kubeconfig, args, input);
}

class Probe extends GenericKind {
  declare spec?: { message?: string };
}

const probeCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "probes.foundation.highlander.test" },
  spec: {
    group: "foundation.highlander.test",
    scope: "Namespaced",
    names: { plural: "probes", singular: "probe", kind: "Probe", listKind: "ProbeList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["message"],
                properties: { message: { type: "string", minLength: 1 } },
              },
            },
          },
        },
      },
    ],
  },
};

describe("local control plane", () => {
  beforeAll(() => {
    process.env.KUBECONFIG = kubeconfig;
    k(["create", "namespace", ns]);
  });

  it("has Ready nodes managed by kwok", () => {
    const out = k([
      "get", "nodes", "-o",
      'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
    ]); // prettier-ignore
    const ready = out.split("\n").filter(line => line.endsWith("=True"));
    expect(ready.length).toBeGreaterThanOrEqual(1);
  });

  it("runs a 1-replica Deployment to 1 available replica", async () => {
    k(["create", "deployment", "web", "-n", ns, "--image=nginx", "--replicas=1"]);
    const available = await waitFor(
      "deployment web to be available",
      () => {
        const n = k([
          "get",
          "deployment",
          "web",
          "-n",
          ns,
          "-o",
          "jsonpath={.status.availableReplicas}",
        ]);
        return n.trim() === "1" ? n.trim() : undefined;
      },
      60_000,
      500,
    );
    expect(available).toBe("1");
    const phase = k([
      "get",
      "pods",
      "-n",
      ns,
      "-l",
      "app=web",
      "-o",
      "jsonpath={.items[0].status.phase}",
    ]);
    expect(phase).toBe("Running");
  });

  it("runs a Job to completion", async () => {
    k(["create", "job", "hello", "-n", ns, "--image=busybox", "--", "echo", "hi"]);
    const succeeded = await waitFor(
      "job hello to complete",
      () => {
        const n = k(["get", "job", "hello", "-n", ns, "-o", "jsonpath={.status.succeeded}"]);
        return n.trim() === "1" ? n.trim() : undefined;
      },
      60_000,
      500,
    );
    expect(succeeded).toBe("1");
  });

  it("installs a CRD, validates and stores custom resources, and streams updates to a fluent-client watch", async () => {
    k(["apply"], JSON.stringify(probeCrd));
    k([
      "wait",
      "--for=condition=Established",
      "crd/probes.foundation.highlander.test",
      "--timeout=30s",
    ]);

    const bad = {
      apiVersion: "foundation.highlander.test/v1",
      kind: "Probe",
      metadata: { name: "bad", namespace: ns },
      spec: {},
    };
    expect(() => k(["apply"], JSON.stringify(bad))).toThrow(/spec.message: Required value/);

    const probe = {
      apiVersion: "foundation.highlander.test/v1",
      kind: "Probe",
      metadata: { name: "one", namespace: ns },
      spec: { message: "first" },
    };
    k(["apply"], JSON.stringify(probe));
    expect(k(["get", "probe", "one", "-n", ns, "-o", "jsonpath={.spec.message}"])).toBe("first");

    RegisterKind(Probe, {
      group: "foundation.highlander.test",
      version: "v1",
      kind: "Probe",
      plural: "probes",
    });
    const seen: string[] = [];
    const watcher = K8s(Probe, { namespace: ns }).Watch(obj => {
      if (obj.spec?.message) seen.push(obj.spec.message);
    });
    await watcher.start();
    try {
      await waitFor(
        "the watch to deliver the existing object",
        () => (seen.includes("first") ? true : undefined),
        30_000,
      );
      k(["apply"], JSON.stringify({ ...probe, spec: { message: "second" } }));
      await waitFor(
        "the watch to deliver the update",
        () => (seen.includes("second") ? true : undefined),
        30_000,
      );
    } finally {
      watcher.close();
    }
    expect(seen).toEqual(expect.arrayContaining(["first", "second"]));
    expect(WatchEvent.DATA).toBeDefined();
  });
});
