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
The image, fully qualified: registry/repository@digest, else registry/repository:tag with the tag
defaulting to the chart's appVersion (the operator's version).
*/}}
{{- define "flagrelease-operator.image" -}}
{{- $registry := required "image.registry is required: the registry you pushed the operator image to (the chart names none; see deploy/README.md, step 0)" .Values.image.registry }}
{{- if .Values.image.digest }}
{{- printf "%s/%s@%s" $registry .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s/%s:%s" $registry .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
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
Namespaces whose token Secrets the operator may read, as FLAGRELEASE_TOKEN_SECRETS_NAMESPACES
says it: "" for none, "*" for every watched namespace, else a comma-separated list.
*/}}
{{- define "flagrelease-operator.tokenSecretNamespaces" -}}
{{- if kindIs "slice" .Values.tokenSecrets.namespaces }}
{{- join "," .Values.tokenSecrets.namespaces }}
{{- else if eq (toString .Values.tokenSecrets.namespaces) "watched" }}
{{- "*" }}
{{- else }}
{{- fail (printf "tokenSecrets.namespaces must be a list of namespaces or \"watched\", not %v" .Values.tokenSecrets.namespaces) }}
{{- end }}
{{- end }}

{{/*
Checks of combinations the schema cannot express, with messages that say what to change.
*/}}
{{- define "flagrelease-operator.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.leaderElection.enabled) }}
{{- fail (printf "replicas is %d but leaderElection.enabled is false: several operator pods would reconcile the same FlagReleases at once. Set leaderElection.enabled=true or replicas=1." (int .Values.replicas)) }}
{{- end }}
{{- $_ := include "flagrelease-operator.watchNamespaces" . }}
{{- $_ := include "flagrelease-operator.tokenSecretNamespaces" . }}
{{- if and (kindIs "slice" .Values.tokenSecrets.namespaces) (ne (toString .Values.watchNamespaces) "all") }}
{{- $watched := splitList "," (include "flagrelease-operator.watchNamespaces" .) }}
{{- range .Values.tokenSecrets.namespaces }}
{{- if not (has . $watched) }}
{{- fail (printf "tokenSecrets.namespaces lists %s, which watchNamespaces does not watch: no FlagRelease there is reconciled, yet the operator would be granted its Secrets. Remove it, or add it to watchNamespaces." .) }}
{{- end }}
{{- end }}
{{- end }}
{{- $_ := include "flagrelease-operator.image" . }}
{{- end }}

{{/*
What the operator may do with the FlagReleases it watches and their Events. Rendered into the
ClusterRole (every namespace) or into one Role per watched namespace. Secrets are not here: the
operator reads them only where tokenSecrets.namespaces says (rbac.yaml).
*/}}
{{- define "flagrelease-operator.watchRules" -}}
- apiGroups: ["flagops.io"]
  resources: ["flagreleases"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["flagops.io"]
  resources: ["flagreleases/status"]
  verbs: ["get", "patch"]
- apiGroups: ["flagops.io"]
  resources: ["flagreleases/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}
