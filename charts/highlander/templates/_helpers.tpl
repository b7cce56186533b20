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
