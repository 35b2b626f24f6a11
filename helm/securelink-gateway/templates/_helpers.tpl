{{- define "securelink.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "securelink.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "securelink.selectorLabels" -}}
app.kubernetes.io/name: {{ include "securelink.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "securelink.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "securelink.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "securelink.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "securelink.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The documents' wildcard host (*.docs.example.net) from documents.origin, or nothing with a shared origin; refuses a
rendering without either, or with both.
*/}}
{{- define "securelink.documentsHost" -}}
{{- $origin := .Values.documents.origin }}
{{- if and $origin .Values.documents.sharedOrigin }}
{{- fail "documents.origin and documents.sharedOrigin=true contradict each other: set one of them" }}
{{- end }}
{{- if $origin }}
{{- if not (regexMatch "^https?://\\{link\\}\\.[a-z0-9.-]+(:[0-9]+)?$" $origin) }}
{{- fail (printf "documents.origin must be an origin whose host begins with {link}. (such as https://{link}.docs.example.net), not %s" $origin) }}
{{- end }}
{{- regexReplaceAll "^https?://\\{link\\}(\\.[a-z0-9.-]+)(:[0-9]+)?$" $origin "*${1}" }}
{{- else if not .Values.documents.sharedOrigin }}
{{- fail "documents.origin is required: each document is served on an origin of its own, so that no document's script reaches another's. Point a wildcard DNS name and certificate at the ingress and set it (for example --set 'documents.origin=https://{link}.docs.example.net'; docs/operations.md, \"Document hosts and tenant link hosts\"), or set documents.sharedOrigin=true to serve every document on the gateway's own origin, sandboxed." }}
{{- end }}
{{- end }}

{{/*
Refuses a rendering whose exposure and trusted proxies disagree: behind any HTTP proxy every request comes from the
proxy, so without trustedProxies every client would share one budget and one lock, and a direct exposure trusts nobody.
*/}}
{{- define "securelink.exposure" -}}
{{- if eq .Values.exposure "ingress" }}
{{- if ne .Values.service.type "ClusterIP" }}
{{- fail "service.type must be ClusterIP with exposure=ingress: a LoadBalancer or NodePort Service would let clients reach the gateway past the proxy, from addresses (nodes, the CNI's gateway) that may be among trustedProxies, and so choose their own X-Forwarded-For. With client connections reaching the pods themselves, set exposure=direct." }}
{{- end }}
{{- if not .Values.trustedProxies }}
{{- fail "trustedProxies is required with exposure=ingress (the default): behind an ingress controller, a Gateway API implementation or an HTTP load balancer every request comes from that proxy, so without it every client shares one budget and one lock. Set it to the proxy's pod CIDR or addresses (for example --set 'trustedProxies={10.42.0.0/16}'), and make the proxy set X-Forwarded-For from the connection it accepted (ingress-nginx: use-forwarded-headers with proxy-real-ip-cidr, or compute-full-forwarded-for). With client connections reaching the pods themselves, set exposure=direct." }}
{{- end }}
{{- else }}
{{- if .Values.ingress.enabled }}
{{- fail "exposure=direct and ingress.enabled=true contradict each other: an Ingress is a proxy in front of the gateway. Set exposure=ingress and trustedProxies." }}
{{- end }}
{{- if .Values.trustedProxies }}
{{- fail "trustedProxies must be empty with exposure=direct: with nothing in front of the gateway, a trusted network's clients could choose their own address through X-Forwarded-For." }}
{{- end }}
{{- if and (ne .Values.service.type "ClusterIP") (ne .Values.service.externalTrafficPolicy "Local") }}
{{- fail "service.externalTrafficPolicy=Local is required with exposure=direct and a LoadBalancer or NodePort Service: with Cluster, kube-proxy replaces every client's address with a node's." }}
{{- end }}
{{- end }}
{{- end }}
