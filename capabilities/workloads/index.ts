// The Pepr capability for the four workload kinds. Pepr's watches are only the intake: every event —
// on a workload or on one of its children — becomes a key in our own work queue, which de-duplicates,
// retries with back-off, and runs only where this replica should act (see runtime/manager.ts).
import { Capability, a } from "pepr";
import type { GenericClass } from "kubernetes-fluent-client";
import { onChildEvent, onWorkloadEvent } from "../runtime/operator";
import type { KubeObject } from "../runtime/kube-client";
import { LABEL_MANAGED_BY, MANAGED_BY } from "./controllers/common/labels";
import { registerWorkloadKinds, WORKLOAD_CLASSES } from "./crd/register";

registerWorkloadKinds();

export const Workloads = new Capability({
  name: "highlander-workloads",
  description:
    "Keeps each WorkloadProcess, WorkloadCronJob, WorkloadService and WorkloadPersistent running exactly once.",
});

const { When } = Workloads;

for (const model of Object.values(WORKLOAD_CLASSES)) {
  When(model)
    .IsCreatedOrUpdated()
    .Watch(obj => onWorkloadEvent(obj as KubeObject));
  When(model)
    .IsDeleted()
    .Watch(obj => onWorkloadEvent(obj as KubeObject, true));
}

// Children tell their workload when they change (a pod ended, a job finished, replicas became ready).
const children: GenericClass[] = [a.Pod, a.Job, a.Deployment, a.StatefulSet];
for (const model of children) {
  When(model)
    .IsCreatedOrUpdated()
    .WithLabel(LABEL_MANAGED_BY, MANAGED_BY)
    .Watch(obj => onChildEvent(obj as KubeObject));
  When(model)
    .IsDeleted()
    .WithLabel(LABEL_MANAGED_BY, MANAGED_BY)
    .Watch(obj => onChildEvent(obj as KubeObject));
}
