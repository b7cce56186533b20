// Every permission the operator needs, with the verbs it uses: the one source from which
// `npm run sync:deploy` (and `npm run build`) writes package.json's pepr.rbac, the rules of the
// kustomize Roles under manifests/ and of the chart's templates (scripts/build/rbac.ts). A YAML
// `rules:` line marked `# rbac: <set>` is generated; scripts/build/copies.test.ts fails on drift.
import type { V1PolicyRule } from "@kubernetes/client-node";
import { FENCE_BINDINGS } from "../../capabilities/runtime/fence";
import { WORKLOAD_KINDS } from "../../capabilities/workloads/kinds/registry";

export interface Rule extends V1PolicyRule {
  /** Why the operator needs it: written above the rule in the YAML. */
  why?: string;
}

const KINDS = WORKLOAD_KINDS.map(k => k.names.plural);

export const RULE_SETS = {
  /** The workloads and their children: cluster-wide (ClusterRole) or per watched namespace (Role). */
  operator: [
    {
      why: "Our four kinds: list and watch, read, update (finalizers are merge patches on the resource).",
      apiGroups: ["highlander.plexobject.io"],
      resources: KINDS,
      verbs: ["get", "list", "watch", "update", "patch"],
    },
    {
      apiGroups: ["highlander.plexobject.io"],
      resources: KINDS.map(k => `${k}/status`),
      verbs: ["get", "patch", "update"],
    },
    {
      apiGroups: ["highlander.plexobject.io"],
      resources: KINDS.map(k => `${k}/finalizers`),
      verbs: ["update"],
    },
    {
      why: 'Children, applied server-side (field manager "highlander"), read back and deleted.',
      apiGroups: [""],
      resources: ["pods"],
      verbs: ["get", "list", "watch", "create", "delete", "patch"],
    },
    {
      apiGroups: ["batch"],
      resources: ["jobs"],
      verbs: ["get", "list", "watch", "create", "delete", "patch"],
    },
    {
      apiGroups: ["apps"],
      resources: ["deployments", "statefulsets"],
      verbs: ["get", "list", "watch", "create", "patch", "delete"],
    },
    {
      apiGroups: [""],
      resources: ["services"],
      verbs: ["get", "list", "watch", "create", "patch", "delete"],
    },
    {
      why: "StatefulSets create the claims; we only read them for status.",
      apiGroups: [""],
      resources: ["persistentvolumeclaims"],
      verbs: ["get", "list", "watch"],
    },
    { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
  ],
  /** The Kubernetes Lease lock, in the operator's own namespace. */
  lease: [
    {
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      verbs: ["get", "create", "update"],
    },
  ],
  /** Pepr's store, in pepr-system. */
  peprStore: [
    {
      apiGroups: ["pepr.dev"],
      resources: ["peprstores"],
      verbs: ["get", "list", "watch", "create", "patch", "update"],
    },
  ],
  /**
   * Reading and advancing the tenant's HighlanderFence; whether the fence policy is installed; and
   * whether our four CRDs carry our schema (not k8-highlander's), all cluster-scoped reads.
   */
  fence: [
    {
      why: "Whether our CRDs are installed with our schema (status subresource), not k8-highlander's.",
      apiGroups: ["apiextensions.k8s.io"],
      resources: ["customresourcedefinitions"],
      resourceNames: KINDS.map(k => `${k}.highlander.plexobject.io`),
      verbs: ["get"],
    },
    {
      apiGroups: ["highlander.plexobject.io"],
      resources: ["highlanderfences"],
      verbs: ["get", "create", "update"],
    },
    {
      apiGroups: ["admissionregistration.k8s.io"],
      resources: ["validatingadmissionpolicybindings"],
      resourceNames: FENCE_BINDINGS,
      verbs: ["get"],
    },
  ],
  /** Authenticated step-down: checking a caller's token and access. */
  auth: [
    { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
    { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
  ],
  /** Not the operator's: what a user needs to force a step-down (ClusterRole highlander-step-down). */
  stepDown: [
    { apiGroups: ["highlander.plexobject.io"], resources: ["leaders"], verbs: ["update"] },
  ],
  /** Not the operator's: what a user needs for the read routes under api.readAuth=kubernetes. */
  reader: [{ apiGroups: ["highlander.plexobject.io"], resources: ["leaders"], verbs: ["get"] }],
} satisfies Record<string, Rule[]>;

export type RuleSetName = keyof typeof RULE_SETS;

/** The operator's whole identity (package.json pepr.rbac, used by `pepr deploy`). */
export const OPERATOR_IDENTITY: RuleSetName[] = ["operator", "peprStore", "lease", "fence", "auth"];
