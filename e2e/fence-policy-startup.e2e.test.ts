// The fence policy in the seconds after kube-apiserver starts. Until the API server's discovery-based
// mapper knows the HighlanderFence kind (it is refreshed every 30 s), it cannot resolve the policy's
// params and refuses every request a binding matches, whoever sent it. So the children's binding
// matches only objects Highlander labelled: other users' pods, Jobs, Services, Deployments and Events
// must be admitted from the first second: on a fresh cluster where the policy was applied before the
// CRDs (the window is then nearly certain; the policy as it was before the label refused these users'
// objects for seconds), and after a restart of kube-apiserver (where the chaos suite met it in about
// one restart in five). Highlander's own labelled writes are refused until the policy applies.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectl, startCluster, type Cluster } from "../devenv/controlplane/cluster";
import { prepareCluster, ROOT } from "../devenv/lib/module";
import { waitFor } from "../devenv/lib/processes";

const dir = mkdtempSync(join(tmpdir(), "highlander-fence-startup-"));
const ns = "users";
let cluster: Cluster | undefined;
let round = 0;

/** What another user creates: one of each kind the fence policy matches, without our label. */
function usersObjects(): string {
  const name = `u${++round}`;
  const labels = { app: name };
  const podSpec = {
    restartPolicy: "Never",
    containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }],
  };
  const items = [
    { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns, labels }, spec: podSpec },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: ns },
      spec: { selector: labels, ports: [{ port: 80 }] },
    },
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name, namespace: ns },
      spec: { template: { metadata: { labels }, spec: podSpec } },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: ns },
      spec: { replicas: 0, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: podSpec.containers } } },
    }, // prettier-ignore
    {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: ns },
      involvedObject: { kind: "Pod", name, namespace: ns },
      reason: "Test",
      message: "a user's event",
    },
  ];
  return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

/** A write as Highlander sends it (field manager, label, stamp below the fence's epoch 5): dry run. */
function ourStaleWrite(): string {
  const event = {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `ours-${++round}`,
      namespace: ns,
      labels: { "highlander.plexobject.io/fenced": "true", "highlander.plexobject.io/tenant": "default" },
      annotations: { "highlander.plexobject.io/epoch": "4" },
    },
    involvedObject: { kind: "Pod", name: "x", namespace: ns },
    reason: "Test",
    message: "a stale leader's event",
  }; // prettier-ignore
  return JSON.stringify(event);
}

/** What the API server answers to our stale write: "admitted", or the line of its error. */
function ourStaleWriteAnswer(kubeconfig: string): string {
  try {
    kubectl(
      kubeconfig,
      ["create", "--dry-run=server", "--field-manager=highlander"],
      ourStaleWrite(),
    );
    return "admitted";
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message.split("\n").find(l => /rror|denied|forbidden/.test(l)) ?? message;
  }
}

/**
 * Until the fence refuses our stale write (the policy applies): every round, another user's objects
 * must be admitted. Returns what our write got meanwhile (the window, when the server had one).
 */
function usersAdmittedUntilFenceApplies(kubeconfig: string): { rounds: number; window: string[] } {
  const window: string[] = [];
  const deadline = Date.now() + 45_000;
  for (let rounds = 1; ; rounds++) {
    kubectl(kubeconfig, ["create"], usersObjects()); // throws (and fails the test) when refused
    const answer = ourStaleWriteAnswer(kubeconfig);
    if (answer.includes("highlander fence:")) return { rounds, window };
    if (answer === "admitted")
      throw new Error("the fence admitted a write stamped 4 under a fence at epoch 5");
    window.push(answer);
    if (Date.now() > deadline)
      throw new Error(
        `the fence policy did not apply within 45 s; our writes got: ${window.at(-1)}`,
      );
  }
}

describe("the fence policy while kube-apiserver starts", () => {
  beforeAll(async () => {
    cluster = await startCluster({
      dir: join(dir, "cluster"),
      ownerPid: process.pid,
      name: "fence startup",
    });
    // The policy before the CRDs (as a GitOps sync may apply them): the API server looks its param
    // kind up before the kind exists, and does not look again until its mapper's next refresh.
    const kubeconfig = cluster.kubeconfig;
    kubectl(kubeconfig, ["apply", "--server-side", "-f", join(ROOT, "manifests", "fence", "fence-policy.yaml")]); // prettier-ignore
    kubectl(kubeconfig, ["create", "namespace", ns]);
    await waitFor("the policy set up without its param kind", () => {
      const answer = ourStaleWriteAnswer(kubeconfig);
      return /failed to configure policy|paramKind/.test(answer) ? answer : undefined;
    }, 20_000, 250); // prettier-ignore
    prepareCluster(kubeconfig);
    kubectl(cluster.kubeconfig, ["create"], JSON.stringify({
      apiVersion: "highlander.plexobject.io/v1",
      kind: "HighlanderFence",
      metadata: { name: "default", labels: { "highlander.plexobject.io/fence": "true" } },
      spec: { tenant: "default", epoch: 5, holder: "someone" },
    })); // prettier-ignore
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("admits other users' objects from the start on a fresh cluster, and after a restart", async () => {
    const kubeconfig = cluster?.kubeconfig ?? "";
    const fresh = usersAdmittedUntilFenceApplies(kubeconfig);
    await cluster?.restartApiserver();
    const restarted = usersAdmittedUntilFenceApplies(kubeconfig);
    process.stderr.write(
      `fence policy: fresh cluster ${fresh.rounds} rounds (${fresh.window.length} in the window), ` +
        `after restart ${restarted.rounds} rounds (${restarted.window.length} in the window)\n` +
        [...fresh.window, ...restarted.window]
          .slice(0, 2)
          .map(l => `  ${l}\n`)
          .join(""),
    );
    // In the window our own writes are refused with the policy's configuration error (retried).
    for (const message of [...fresh.window, ...restarted.window])
      expect(message).toMatch(/failed to configure policy|paramKind/);
  }, 180_000);
});
