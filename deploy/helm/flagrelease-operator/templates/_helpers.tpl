{{/*
The chart name, or nameOverride; at most 63 characters (a DNS label).
*/}}
{{- define "flagrelease-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The name of every resource: fullnameOverride, else the release name when it already contains the
chart name, else <release>-<name>. At most 63 characters.
*/}}
{{- define "flagrelease-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "flagrelease-operator.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
chart-version, for the helm.sh/chart label.
*/}}
{{- define "flagrelease-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels that select the operator's pods. Never change them: a Deployment's selector is immutable.
*/}}
{{- define "flagrelease-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flagrelease-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of every resource.
*/}}
{{- define "flagrelease-operator.labels" -}}
helm.sh/chart: {{ include "flagrelease-operator.chart" . }}
{{ include "flagrelease-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: flagrelease-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The ServiceAccount the pod runs as.
*/}}
{{- define "flagrelease-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "flagrelease-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
repository:tag, the tag defaulting to the chart's appVersion (the operator's version).
*/}}
{{- define "flagrelease-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The watched namespaces as a comma-separated list; empty means every namespace.
*/}}
{{- define "flagrelease-operator.watchNamespaces" -}}
{{- if kindIs "slice" .Values.watchNamespaces }}
{{- join "," .Values.watchNamespaces }}
{{- else if eq (toString .Values.watchNamespaces) "own" }}
{{- .Release.Namespace }}
{{- else if eq (toString .Values.watchNamespaces) "all" }}
{{- "" }}
{{- else }}
{{- fail (printf "watchNamespaces must be \"all\", \"own\" or a list of namespaces, not %v" .Values.watchNamespaces) }}
{{- end }}
{{- end }}

{{/*
The Secret holding the default token: token.existingSecret, the Secret the chart creates for
token.value, or nothing.
*/}}
{{- define "flagrelease-operator.tokenSecretName" -}}
{{- if and .Values.token.existingSecret .Values.token.value }}
{{- fail "token: set either token.existingSecret (preferred) or token.value, not both" }}
{{- else if .Values.token.existingSecret }}
{{- .Values.token.existingSecret }}
{{- else if .Values.token.value }}
{{- printf "%s-token" (include "flagrelease-operator.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Checks of combinations the schema cannot express, with messages that say what to change.
*/}}
{{- define "flagrelease-operator.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.leaderElection.enabled) }}
{{- fail (printf "replicas is %d but leaderElection.enabled is false: several operator pods would reconcile the same FlagReleases at once. Set leaderElection.enabled=true or replicas=1." (int .Values.replicas)) }}
{{- end }}
{{- $_ := include "flagrelease-operator.tokenSecretName" . }}
{{- $_ := include "flagrelease-operator.watchNamespaces" . }}
{{- end }}

{{/*
What the operator may do with the FlagReleases it watches, their Events and the Secrets they name.
Rendered into the ClusterRole (every namespace) or into one Role per watched namespace.
*/}}
{{- define "flagrelease-operator.watchRules" -}}
- apiGroups: ["flagops.io"]
  resources: ["flagreleases"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["flagops.io"]
  resources: ["flagreleases/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["flagops.io"]
  resources: ["flagreleases/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
{{- end }}
