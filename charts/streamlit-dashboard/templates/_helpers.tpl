{{- define "streamlit-dashboard.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "streamlit-dashboard.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "streamlit-dashboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ecap
{{- end -}}

{{- define "streamlit-dashboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streamlit-dashboard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "streamlit-dashboard.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "streamlit-dashboard.name" .) -}}
{{- end -}}
