// Restricted-by-default security contexts. A workload author who may create a WorkloadProcess but not
// pods must not get more than Pod Security "restricted" without asking for it; what the spec does ask
// for is kept field by field (the admission policy in manifests/policy decides whether it may ask).
import type {
  V1Capabilities,
  V1PodSecurityContext,
  V1SecurityContext,
} from "@kubernetes/client-node";

const RUNTIME_DEFAULT_SECCOMP = { type: "RuntimeDefault" } as const;

/**
 * `nobody`: most images (busybox, the predecessor's samples) declare no user and so run as root,
 * which runAsNonRoot alone makes the kubelet refuse to start. A spec that sets runAsUser keeps it.
 */
const DEFAULT_RUN_AS_USER = 65534;

/** Pod level: non-root and the runtime's seccomp profile unless the spec says otherwise. */
export function restrictedPodSecurityContext(spec?: V1PodSecurityContext): V1PodSecurityContext {
  const user =
    spec?.runAsUser === undefined
      ? { runAsUser: DEFAULT_RUN_AS_USER, runAsGroup: spec?.runAsGroup ?? DEFAULT_RUN_AS_USER }
      : {};
  return {
    ...spec,
    ...user,
    runAsNonRoot: spec?.runAsNonRoot ?? true,
    seccompProfile: spec?.seccompProfile ?? { ...RUNTIME_DEFAULT_SECCOMP },
  };
}

function capabilities(spec?: V1Capabilities): V1Capabilities {
  // Dropping ALL first and adding back what the spec lists is what "restricted" expects.
  const out: V1Capabilities = { drop: spec?.drop ? [...spec.drop] : ["ALL"] };
  if (spec?.add && spec.add.length > 0) out.add = [...spec.add];
  return out;
}

/** Container level: no privilege escalation and no capabilities unless the spec says otherwise. */
export function restrictedContainerSecurityContext(spec?: V1SecurityContext): V1SecurityContext {
  return {
    ...spec,
    allowPrivilegeEscalation: spec?.allowPrivilegeEscalation ?? false,
    capabilities: capabilities(spec?.capabilities),
  };
}

/**
 * The default ServiceAccount's token is of no use to a workload and a gift to an attacker inside it.
 * A spec that names its own ServiceAccount wants to talk to the API server, so it keeps the token.
 */
export function automountServiceAccountToken(serviceAccountName?: string): false | undefined {
  return serviceAccountName === undefined || serviceAccountName === "default" ? false : undefined;
}
