{{- /* Generated from manifests/rbac/rules.ts by `npm run sync:deploy`. Do not edit. */ -}}
{{/* The operator's rules; the same in the ClusterRole and in each watched namespace's Role. */}}
{{- define "highlander.rules" -}}
# Our four kinds: list and watch, read, update (finalizers are merge patches on the resource).
- apiGroups: ["highlander.plexobject.io"]
  resources: ["workloadprocesses", "workloadcronjobs", "workloadservices", "workloadpersistents"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["highlander.plexobject.io"]
  resources:
    - workloadprocesses/status
    - workloadcronjobs/status
    - workloadservices/status
    - workloadpersistents/status
  verbs: ["get", "patch", "update"]
- apiGroups: ["highlander.plexobject.io"]
  resources:
    - workloadprocesses/finalizers
    - workloadcronjobs/finalizers
    - workloadservices/finalizers
    - workloadpersistents/finalizers
  verbs: ["update"]
# Children, applied server-side (field manager "highlander"), read back and deleted.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "create", "delete", "patch"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete", "patch"]
- apiGroups: ["apps"]
  resources: ["deployments", "statefulsets"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# StatefulSets create the claims; we only read them for status.
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
