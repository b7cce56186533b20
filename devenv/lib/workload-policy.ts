// The namespace label that opts a namespace out of the workload policy (manifests/policy): tests whose
// specs legitimately ask for more than the default profile (Secret references, another ServiceAccount)
// label their namespaces with it, as an administrator would, since the deploy e2e installs the policy
// on the shared control plane.
const WIDE_PROFILE_KEY = "highlander.plexobject.io/pod-security";
const WIDE_PROFILE_VALUE = "privileged";
export const WIDE_PROFILE_LABEL = `${WIDE_PROFILE_KEY}=${WIDE_PROFILE_VALUE}`;
