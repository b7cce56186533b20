// Workload objects with the status the operator itself would write, for testing the Argo CD health
// check and the kstatus rules. Nothing here is hand-written status: each object is one of our example
// manifests (manifests/examples) or the predecessor's sample, its children are made by the operator's
// own builders with the status Kubernetes gives them in that situation, and the status comes from the
// operator's pure functions (validateSpec, computeTicks, computeStatus) exactly as reconcile.ts calls
// them. Test support only (not imported by production code).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { V1Deployment, V1Job, V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { parse } from "yaml";
import type { WorkloadType } from "../../capabilities/workloads/crd/kinds";
import type {
  WorkloadCronJobSpec,
  WorkloadObject,
  WorkloadPersistentSpec,
  WorkloadProcessSpec,
  WorkloadServiceSpec,
  WorkloadStatus,
} from "../../capabilities/workloads/crd/types";
import { PREDECESSOR_SAMPLE_CRONJOB_YAML } from "../../capabilities/workloads/crd/samples";
import {
  buildJobForTick,
  type CronJobCR,
} from "../../capabilities/workloads/kinds/cronjob/build-job";
import { computeTicks } from "../../capabilities/workloads/kinds/cronjob/schedule";
import {
  buildHeadlessService,
  buildStatefulSet,
  type PersistentCR,
} from "../../capabilities/workloads/kinds/persistent/build";
import {
  buildProcessPod,
  type ProcessCR,
} from "../../capabilities/workloads/kinds/process/build-pod";
import {
  buildDeployment,
  buildService,
  type ServiceCR,
} from "../../capabilities/workloads/kinds/service/build";
import {
  computeStatus,
  type WorkloadProblem,
} from "../../capabilities/workloads/controllers/common/status";
import type { KindDefinition } from "../../capabilities/workloads/kinds/definition";
import type { WorkloadKind } from "../../capabilities/workloads/kinds/define";
import { processKind } from "../../capabilities/workloads/kinds/process";
import { cronjobKind } from "../../capabilities/workloads/kinds/cronjob";
import type { CronObserved } from "../../capabilities/workloads/kinds/cronjob/status";
import { serviceKind } from "../../capabilities/workloads/kinds/service";
import { persistentKind } from "../../capabilities/workloads/kinds/persistent";

type ArgoHealth = "Healthy" | "Progressing" | "Degraded";

export interface StatusFixture {
  name: string;
  type: WorkloadType;
  /** The custom resource as the API server would return it, status included (JSON round-tripped). */
  object: WorkloadObject<unknown> & { status?: WorkloadStatus };
  /** What Argo CD should show. */
  health: ArgoHealth;
}

const NOW = new Date("2026-12-01T10:02:30Z");
const LEADER = { id: "highlander-7d9f-abcde", cluster: "east", epoch: 12 };
const BUILD = { tenant: "default" };
const examples = join(import.meta.dirname, "..", "..", "manifests", "examples");

/** A stored custom resource from an example manifest: uid, generation and the CRD's defaults. */
function stored<S>(file: string, generation = 1, specChange: Partial<S> = {}): WorkloadObject<S> {
  const doc = parse(
    file === "predecessor"
      ? PREDECESSOR_SAMPLE_CRONJOB_YAML
      : readFileSync(join(examples, file), "utf8"),
  ) as WorkloadObject<S>;
  return {
    ...doc,
    metadata: {
      ...doc.metadata,
      uid: `uid-${doc.metadata?.name}`,
      generation,
      creationTimestamp: new Date("2026-12-01T10:00:00Z"),
    },
    spec: { ...(doc.spec as S), ...specChange },
  } as WorkloadObject<S>;
}

/** What reconcile.ts does after converging: validate, compute the status, attach it. */
function reconciled<S, O>(
  kind: KindDefinition<S, O> & WorkloadKind,
  cr: WorkloadObject<S>,
  observed: O,
  opts: { problem?: WorkloadProblem; activeCluster?: boolean } = {},
): WorkloadObject<unknown> & { status: WorkloadStatus } {
  const status = computeStatus(kind, cr, observed, {
    now: NOW,
    leader: LEADER,
    activeCluster: opts.activeCluster,
    specProblems: kind.validateSpec(cr.spec),
    problem: opts.problem,
  });
  return JSON.parse(JSON.stringify({ ...cr, status })) as WorkloadObject<unknown> & {
    status: WorkloadStatus;
  };
}

// --- children in the states Kubernetes reports ---------------------------------------------------

function processPod(cr: ProcessCR, phase: string, ready: boolean): V1Pod {
  return {
    ...buildProcessPod(cr, BUILD),
    status: {
      phase,
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
}

function deployment(
  cr: ServiceCR,
  ready: number,
  condition?: { type: string; status: string; reason: string; message: string },
): V1Deployment {
  const d = buildDeployment(cr, BUILD);
  const replicas = d.spec?.replicas ?? 0;
  return {
    ...d,
    status: {
      observedGeneration: 1,
      replicas: condition?.type === "ReplicaFailure" ? 0 : replicas,
      readyReplicas: ready,
      conditions: condition
        ? [condition]
        : [
            {
              type: "Progressing",
              status: "True",
              reason: ready === replicas ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
              message: `ReplicaSet "${cr.metadata?.name}-5d8f" is progressing.`,
            },
          ],
    },
  };
}

function statefulSet(cr: PersistentCR, ready: number): V1StatefulSet {
  const s = buildStatefulSet(cr, BUILD);
  return { ...s, status: { replicas: s.spec?.replicas ?? 0, readyReplicas: ready } };
}

function cronObserved(cr: CronJobCR, jobs: V1Job[], last?: Date): CronObserved {
  if (!cr.spec) throw new Error("a cron job without spec");
  const ticks = computeTicks(cr.spec, last, NOW);
  return {
    jobs,
    lastScheduleTime: last,
    nextScheduleTime: cr.spec.suspend ? undefined : ticks.next,
  };
}

function job(cr: CronJobCR, tick: Date, outcome: "active" | "succeeded" | "failed"): V1Job {
  const j = buildJobForTick(cr, tick, BUILD);
  const finished = new Date(tick.getTime() + 20_000);
  return {
    ...j,
    status:
      outcome === "active"
        ? { active: 1, startTime: tick }
        : outcome === "succeeded"
          ? {
              succeeded: 1,
              completionTime: finished,
              conditions: [{ type: "Complete", status: "True", lastTransitionTime: finished }],
            }
          : {
              failed: 1,
              conditions: [
                {
                  type: "Failed",
                  status: "True",
                  reason: "BackoffLimitExceeded",
                  lastTransitionTime: finished,
                },
              ],
            },
  };
}

// --- the API server's own refusals, as the write-error classifier passes them on -----------------

const REFUSED_POD: WorkloadProblem = {
  reason: "ChildRejected",
  message:
    'Pod "sample-process" is invalid: spec.containers[0].image: Invalid value: " busybox:latest": ' +
    "must not have leading or trailing whitespace",
  stalled: true,
};
const REFUSED_DEPLOYMENT: WorkloadProblem = {
  reason: "ChildRejected",
  message:
    'Deployment.apps "sample-service" is invalid: spec.template.spec.containers[0].env[0].name: ' +
    'Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII ' +
    "characters other than '='",
  stalled: true,
};
const REFUSED_JOB: WorkloadProblem = {
  reason: "ChildRejected",
  message:
    'Job.batch "sample-cronjob-29410925" is invalid: spec.template.spec.containers[0].resources.' +
    'requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
  stalled: true,
};
const FAILING_WRITES: WorkloadProblem = {
  reason: "ChildWriteFailing",
  message:
    "writing a child keeps failing (6 attempts): the server is currently unable to handle the request",
  stalled: false,
};

export function statusFixtures(): StatusFixture[] {
  const proc = stored<WorkloadProcessSpec>("workloadprocess.yaml");
  const svc = stored<WorkloadServiceSpec>("workloadservice.yaml");
  const pers = stored<WorkloadPersistentSpec>("workloadpersistent.yaml");
  const cron = stored<WorkloadCronJobSpec>("predecessor");
  const tick = new Date("2026-12-01T10:00:00Z");
  const fixtures: StatusFixture[] = [];
  const add = (
    name: string,
    type: WorkloadType,
    object: StatusFixture["object"],
    health: ArgoHealth,
  ) => fixtures.push({ name, type, object, health });

  // WorkloadProcess
  add("process: pod just created (Pending)", "process",
    reconciled(processKind, proc, { pod: processPod(proc, "Pending", false), restartCount: 0 }),
    "Progressing"); // prettier-ignore
  add("process: running, not ready yet", "process",
    reconciled(processKind, proc, { pod: processPod(proc, "Running", false), restartCount: 0 }),
    "Progressing"); // prettier-ignore
  const running = reconciled(processKind, proc, {
    pod: processPod(proc, "Running", true),
    restartCount: 0,
  });
  add("process: running and ready", "process", running, "Healthy");
  add("process: spec edited, not yet observed", "process",
    { ...running, metadata: { ...running.metadata, generation: 2 } }, "Progressing"); // prettier-ignore
  const edited = stored<WorkloadProcessSpec>("workloadprocess.yaml", 2, { maxRestarts: 3 });
  add("process: edited spec observed, new pod starting", "process",
    reconciled(processKind, { ...edited, status: running.status }, {
      pod: processPod(edited, "Pending", false), restartCount: 0,
    }), "Progressing"); // prettier-ignore
  add("process: restart budget spent", "process",
    reconciled(processKind, proc, {
      pod: processPod(proc, "Failed", false), restartCount: 5, gaveUp: true,
    }), "Degraded"); // prettier-ignore
  add("process: pod failed (restartPolicy Never)", "process",
    reconciled(processKind, proc, { pod: processPod(proc, "Failed", false), restartCount: 0 }),
    "Degraded"); // prettier-ignore
  const onFailure = stored<WorkloadProcessSpec>("workloadprocess.yaml", 1, {
    restartPolicy: "OnFailure",
  });
  add("process: pod failed, restart pending (OnFailure)", "process",
    reconciled(processKind, onFailure, { pod: processPod(onFailure, "Failed", false), restartCount: 1 }),
    "Degraded"); // prettier-ignore
  add("process: completed (restartPolicy Never)", "process",
    reconciled(processKind, proc, { pod: processPod(proc, "Succeeded", false), restartCount: 0 }),
    "Healthy"); // prettier-ignore
  add("process: the API server refused the pod", "process",
    reconciled(processKind, stored("workloadprocess.yaml", 1, { image: " busybox:latest" }),
      { restartCount: 0 }, { problem: REFUSED_POD }), "Degraded"); // prettier-ignore
  add("process: writes failing for a while (503)", "process",
    reconciled(processKind, proc, { pod: processPod(proc, "Running", true), restartCount: 0 },
      { problem: FAILING_WRITES }), "Progressing"); // prettier-ignore
  add("process: standby cluster, stopped here", "process",
    reconciled(processKind, proc, { restartCount: 0 }, { activeCluster: false }),
    "Healthy"); // prettier-ignore

  // WorkloadService
  const service = buildService(svc, BUILD);
  add("service: Deployment created, no pod ready yet", "service",
    reconciled(serviceKind, svc, { deployment: deployment(svc, 0), service }),
    "Progressing"); // prettier-ignore
  const serving = reconciled(serviceKind, svc, {
    deployment: deployment(svc, 1),
    service,
  });
  add("service: rolled out, 1/1 ready", "service", serving, "Healthy");
  const svc2 = stored<WorkloadServiceSpec>("workloadservice.yaml", 2, {
    image: "nginx:1.27-alpine",
  });
  add("service: new image rolling out (Recreate: 0/1)", "service",
    reconciled(serviceKind, { ...svc2, status: serving.status },
      { deployment: deployment(svc2, 0), service: buildService(svc2, BUILD) }),
    "Progressing"); // prettier-ignore
  add("service: rollout past readinessTimeout", "service",
    reconciled(serviceKind, svc, {
      service,
      deployment: deployment(svc, 0, {
        type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded",
        message: 'ReplicaSet "sample-service-5d8f" has timed out progressing.',
      }),
    }), "Degraded"); // prettier-ignore
  add("service: pods refused (missing ServiceAccount)", "service",
    reconciled(serviceKind, svc, {
      service,
      deployment: deployment(svc, 0, {
        type: "ReplicaFailure", status: "True", reason: "FailedCreate",
        message: 'pods "sample-service-5d8f-" is forbidden: error looking up service account default/worker: serviceaccount "worker" not found',
      }),
    }), "Degraded"); // prettier-ignore
  add("service: the API server refused the Deployment", "service",
    reconciled(serviceKind, svc, { deployment: deployment(svc, 1), service },
      { problem: REFUSED_DEPLOYMENT }), "Degraded"); // prettier-ignore
  const stopped = stored<WorkloadServiceSpec>("workloadservice.yaml", 1, { replicas: 0 });
  add("service: replicas 0 (stopped on purpose)", "service",
    reconciled(serviceKind, stopped, {
      deployment: { ...deployment(stopped, 0), status: { replicas: 0 } },
      service: buildService(stopped, BUILD),
    }), "Healthy"); // prettier-ignore

  // WorkloadPersistent
  const headlessService = buildHeadlessService(pers, BUILD);
  add("persistent: StatefulSet created, claim binding, 0/1 ready", "persistent",
    reconciled(persistentKind, pers, { statefulSet: statefulSet(pers, 0), headlessService }),
    "Progressing"); // prettier-ignore
  add("persistent: 1/1 ready", "persistent",
    reconciled(persistentKind, pers, { statefulSet: statefulSet(pers, 1), headlessService }),
    "Healthy"); // prettier-ignore

  // WorkloadCronJob (the predecessor's README sample)
  add("cronjob: scheduling, no run yet", "cronjob",
    reconciled(cronjobKind, cron, cronObserved(cron, [])), "Healthy"); // prettier-ignore
  add("cronjob: a run in progress", "cronjob",
    reconciled(cronjobKind, cron, cronObserved(cron, [job(cron, tick, "active")], tick)),
    "Healthy"); // prettier-ignore
  add("cronjob: the last run succeeded", "cronjob",
    reconciled(cronjobKind, cron, cronObserved(cron, [job(cron, tick, "succeeded")], tick)),
    "Healthy"); // prettier-ignore
  add("cronjob: the last run failed", "cronjob",
    reconciled(cronjobKind, cron, cronObserved(cron, [job(cron, tick, "failed")], tick)),
    "Degraded"); // prettier-ignore
  const suspended = stored<WorkloadCronJobSpec>("predecessor", 2, { suspend: true });
  add("cronjob: suspended", "cronjob",
    reconciled(cronjobKind, suspended, cronObserved(suspended, [])), "Healthy"); // prettier-ignore
  const badZone = stored<WorkloadCronJobSpec>("predecessor", 2, { timeZone: "Mars/Olympus" });
  add("cronjob: unknown time zone (InvalidSpec)", "cronjob",
    reconciled(cronjobKind, badZone, { jobs: [] }), "Degraded"); // prettier-ignore
  add("cronjob: every Job refused by the API server", "cronjob",
    reconciled(cronjobKind, cron, cronObserved(cron, []), { problem: REFUSED_JOB }),
    "Degraded"); // prettier-ignore
  return fixtures;
}
