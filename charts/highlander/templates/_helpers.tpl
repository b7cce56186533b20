{{- define "highlander.labels" -}}
app.kubernetes.io/name: highlander
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "highlander.selector" -}}
app.kubernetes.io/name: highlander
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{/* The bundled module's hash; `npm run build` sets it in dist/highlander-chart/values.yaml. */}}
{{- define "highlander.moduleHash" -}}
{{- if not (regexMatch "^[0-9a-f]{64}$" (.Values.module.hash | toString)) -}}
{{- fail "module.hash is not set: install dist/highlander-chart, which `npm run build` writes, after applying dist/highlander-module.yaml" -}}
{{- end -}}
{{- .Values.module.hash -}}
{{- end }}

{{/* The operator's rules; the same in the ClusterRole and in each watched namespace's Role. */}}
{{- define "highlander.rules" -}}
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
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
