// Honest status when the API server refuses what the operator writes (issue "Honest status for every
// failure"), on the real control plane with a real operator: the custom resource says Ready=False,
// Stalled=True with the API server's own message, observedGeneration follows the spec, one Warning
// event (not one per retry) tells the same, a fixed spec recovers, and deleting a workload whose child
// was refused never hangs on its finalizer. The refusals are real admission answers: a missing
// PriorityClass for a pod, and a ResourceQuota that allows no Deployment and no Job (for every tick of a
// cron job).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
const id = Date.now().toString(36);
const ns = `status-${id}`;
const quotaNs = `status-quota-${id}`;
const k = (args: string[], input?: string) => kubectl(kubeconfig, args, input);
let operator: OperatorProcess | undefined;

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface Cr {
  metadata: { generation?: number; finalizers?: string[]; uid: string };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}
interface Event {
  type: string;
  reason: string;
  message: string;
  count?: number;
  involvedObject: { uid?: string };
}

function get(kind: string, name: string, namespace = ns): Cr | undefined {
  const out = k(["get", kind, name, "-n", namespace, "-o", "json", "--ignore-not-found"]);
  return out.trim() === "" ? undefined : (JSON.parse(out) as Cr);
}

const condition = (cr: Cr | undefined, type: string) =>
  cr?.status?.conditions?.find(c => c.type === type);

const current = (cr: Cr | undefined) =>
  cr !== undefined && cr.status?.observedGeneration === cr.metadata.generation;

/** Waits until the resource reports its current generation with Ready=False and Stalled=True. */
async function waitStalled(kind: string, name: string, namespace = ns): Promise<Cr> {
  return waitFor(
    `${kind}/${name} to be Ready=False, Stalled=True at its generation`,
    () => {
      const cr = get(kind, name, namespace);
      return current(cr) &&
        condition(cr, "Ready")?.status === "False" &&
        condition(cr, "Stalled")?.status === "True"
        ? cr
        : undefined;
    },
    60_000,
    250,
  );
}

function warnings(uid: string, namespace = ns): Event[] {
  const list = JSON.parse(k(["get", "events", "-n", namespace, "-o", "json"])) as {
    items: Event[];
  };
  return list.items.filter(e => e.involvedObject.uid === uid && e.type === "Warning");
}

/** Deletes the resource and waits until it is gone (its finalizer came off). */
async function deleteAndWait(kind: string, name: string, namespace = ns): Promise<void> {
  k(["delete", kind, name, "-n", namespace, "--wait=false"]);
  await waitFor(
    `${kind}/${name} to be deleted`,
    () => (get(kind, name, namespace) === undefined ? true : undefined),
    30_000,
    250,
  );
}

const workload = (kind: string, name: string, spec: Record<string, unknown>, namespace = ns) => ({
  apiVersion: "highlander.plexobject.io/v1",
  kind,
  metadata: { name, namespace },
  spec,
});

describe("status when the API server refuses a child", () => {
  beforeAll(async () => {
    k(["create", "namespace", ns]);
    k(["create", "namespace", quotaNs]);
    k(["apply"], JSON.stringify({
      apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "no-jobs", namespace: quotaNs },
      spec: { hard: { "count/jobs.batch": "0", "count/deployments.apps": "0" } },
    })); // prettier-ignore
    operator = await startOperator({
      name: "status-op",
      kubeconfig,
      dir: mkdtempSync(join(tmpdir(), "highlander-op-")),
      env: {
        ...FAST_LEASE,
        HIGHLANDER_LEASE_NAMESPACE: ns,
        HIGHLANDER_TENANT: "default",
      },
    });
    await waitUntilLeading(operator);
  });

  afterAll(async () => {
    await stopOperators(operator);
    k(["delete", "namespace", ns, quotaNs, "--wait=false", "--ignore-not-found"]);
  });

  it("a refused pod: Ready=False and Stalled with the API server's message, one Warning event, deletion does not hang", async () => {
    k(["apply"], JSON.stringify(workload("WorkloadProcess", "no-class", {
      image: "busybox:1.36", command: ["sleep", "3600"], priorityClassName: "no-such-class",
    }))); // prettier-ignore
    const cr = await waitStalled("workloadprocess", "no-class");
    const ready = condition(cr, "Ready");
    expect(ready?.reason).toBe("ChildRejected");
    expect(ready?.message).toContain("no-such-class");
    // The operator keeps retrying with back-off; the event is one object, not one per retry.
    await new Promise(done => setTimeout(done, 5000));
    const events = warnings(cr.metadata.uid).filter(e => e.reason === "ChildRejected");
    expect(events).toHaveLength(1);
    expect(events[0].message).toContain("no-such-class");
    // kubectl get shows it: READY False and the reason.
    const row = k(["get", "workloadprocess", "no-class", "-n", ns, "--no-headers"]);
    expect(row).toMatch(/\bFalse\b/);
    expect(row).toContain("ChildRejected");
    await deleteAndWait("workloadprocess", "no-class");
  }, 120_000);

  it("an invalid update of a running workload: status follows the new generation, the fixed spec recovers", async () => {
    const spec = { image: "busybox:1.36", command: ["sleep", "3600"] };
    k(["apply"], JSON.stringify(workload("WorkloadProcess", "edited", spec)));
    await waitFor(
      "WorkloadProcess/edited to be Ready",
      () => {
        const cr = get("workloadprocess", "edited");
        return current(cr) && condition(cr, "Ready")?.status === "True" ? cr : undefined;
      },
      60_000,
      250,
    );
    k(["apply"], JSON.stringify(workload("WorkloadProcess", "edited", { ...spec, priorityClassName: "missing-class" }))); // prettier-ignore
    const stalled = await waitStalled("workloadprocess", "edited");
    expect(stalled.metadata.generation).toBe(2);
    expect(condition(stalled, "Ready")?.message).toContain("missing-class");
    k(["apply"], JSON.stringify(workload("WorkloadProcess", "edited", spec)));
    const recovered = await waitFor(
      "WorkloadProcess/edited to recover",
      () => {
        const cr = get("workloadprocess", "edited");
        return current(cr) && condition(cr, "Ready")?.status === "True" ? cr : undefined;
      },
      60_000,
      250,
    );
    expect(condition(recovered, "Stalled")?.status).toBe("False");
    await deleteAndWait("workloadprocess", "edited");
  }, 180_000);

  it("a WorkloadService whose Deployment is refused (quota): Stalled with the message, and deletion does not hang", async () => {
    // Finalizing scales the Deployment to 0 without re-applying the refused spec: nothing to scale here.
    k(["apply"], JSON.stringify(workload("WorkloadService", "web", {
      image: "nginx:1.27", replicas: 1, ports: [{ name: "http", containerPort: 80 }],
    }, quotaNs))); // prettier-ignore
    const cr = await waitStalled("workloadservice", "web", quotaNs);
    expect(condition(cr, "Ready")?.reason).toBe("ChildRejected");
    expect(condition(cr, "Ready")?.message).toMatch(/exceeded quota/i);
    await deleteAndWait("workloadservice", "web", quotaNs);
  }, 120_000);

  it("a cron job whose every Job is refused (quota): Ready=False with the quota's message, never Ready=True", async () => {
    k(["apply"], JSON.stringify(workload("WorkloadCronJob", "billing", {
      image: "busybox:1.36", schedule: "*/3 * * * * *", script: { commands: ["echo bill"] },
    }, quotaNs))); // prettier-ignore
    const cr = await waitStalled("workloadcronjob", "billing", quotaNs);
    expect(condition(cr, "Ready")?.message).toMatch(/exceeded quota|forbidden/i);
    // Several ticks later it still says so, and no Job exists.
    await new Promise(done => setTimeout(done, 7000));
    expect(condition(get("workloadcronjob", "billing", quotaNs), "Ready")?.status).toBe("False");
    expect(k(["get", "jobs", "-n", quotaNs, "-o", "name"]).trim()).toBe("");
    await deleteAndWait("workloadcronjob", "billing", quotaNs);
  }, 120_000);
});
