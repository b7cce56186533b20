// The one Pod of a WorkloadProcess. Its name is the workload's name, unchanged: the API server then
// refuses a second pod of the same workload outright, which backs up the leader lock.
//
// Pod restartPolicy is always Never: the kubelet would otherwise restart the container in place without
// limit. The spec's restartPolicy (Never / OnFailure / Always) instead tells `decideProcessAction`
// whether to re-create the pod after it ends, and maxRestarts bounds that.
import type { V1Pod } from "@kubernetes/client-node";
import type { WorkloadObject, WorkloadProcessSpec } from "../../crd/types";
import type { BuildContext } from "../../controllers/common/context";
import { durationToSeconds } from "../../controllers/common/duration";
import { shortHash } from "../../controllers/common/hash";
import { childMetadata, crName } from "../../controllers/common/labels";
import { buildPodSpec, podMetadata } from "../../controllers/common/pod-template";
import { processNames } from "./names";

export type ProcessCR = WorkloadObject<WorkloadProcessSpec>;

/** Pod annotation holding the hash of the pod spec it was built from (spec edits → re-create). */
export const ANNOTATION_SPEC_HASH = "highlander.plexobject.io/spec-hash";

export function processSpec(cr: ProcessCR): WorkloadProcessSpec {
  if (!cr.spec) throw new Error(`WorkloadProcess ${crName(cr)} has no spec`);
  return cr.spec;
}

/** The pod name: the workload name itself, or `<name>-pod` as the predecessor named it. */
export function processPodName(cr: ProcessCR): string {
  return cr.spec?.predecessorNames === true ? `${crName(cr)}-pod` : crName(cr);
}

function gracePeriodSeconds(spec: WorkloadProcessSpec): number | undefined {
  if (spec.gracePeriod !== undefined) return durationToSeconds(spec.gracePeriod);
  return spec.terminationGracePeriodSeconds;
}

function buildProcessPodSpec(cr: ProcessCR): V1Pod["spec"] {
  const spec = processSpec(cr);
  return buildPodSpec(spec, {
    restartPolicy: "Never",
    terminationGracePeriodSeconds: gracePeriodSeconds(spec),
  });
}

/** Hash of everything in the pod that comes from the spec (not the epoch or tenant). */
export function processPodSpecHash(cr: ProcessCR): string {
  const spec = processSpec(cr);
  return shortHash({
    spec: buildProcessPodSpec(cr),
    labels: spec.podLabels ?? {},
    annotations: spec.podAnnotations ?? {},
  });
}

export function buildProcessPod(cr: ProcessCR, ctx: BuildContext): V1Pod {
  const spec = processSpec(cr);
  const name = processPodName(cr);
  const pod = podMetadata(crName(cr), "process", ctx.tenant, spec);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: childMetadata(cr, processNames, ctx, name, {
      labels: pod.labels,
      annotations: { ...pod.annotations, [ANNOTATION_SPEC_HASH]: processPodSpecHash(cr) },
    }),
    spec: buildProcessPodSpec(cr),
  };
}
