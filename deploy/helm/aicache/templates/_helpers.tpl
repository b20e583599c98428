{{- define "aicache.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "aicache.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The balancer's pods (mode=replicated): a name of their own, so the replicas' Service never selects them. */}}
{{- define "aicache.balancerSelectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}-balancer
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "aicache.labels" -}}
{{ include "aicache.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "aicache.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The pod spec both modes share: the container, its probes and its volumes but the data volume's source. */}}
{{- define "aicache.podTemplate" -}}
metadata:
  labels:
    {{- include "aicache.selectorLabels" . | nindent 4 }}
  annotations:
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
    {{- if .Values.prometheusAnnotations }}
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ .Values.port | quote }}
    prometheus.io/path: /metrics
    {{- end }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if eq .Values.mode "daemonset" }}
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  {{- end }}
  # aicache closes its index and stops its fills on SIGTERM.
  terminationGracePeriodSeconds: 30
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  {{- if eq .Values.mode "daemonset" }}
  initContainers:
    - name: data-owner
      image: {{ include "aicache.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["chown", "{{ .Values.podSecurityContext.runAsUser }}:{{ .Values.podSecurityContext.runAsGroup }}", "/var/lib/aicache"]
      securityContext:
        runAsUser: 0
        runAsNonRoot: false
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
          add: ["CHOWN"]
      volumeMounts:
        - name: data
          mountPath: /var/lib/aicache
  {{- end }}
  containers:
    - name: aicache
      image: {{ include "aicache.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args: ["serve"]
      env:
        - name: AICACHE_CONFIG
          value: /etc/aicache/aicache.yaml
        - name: AICACHE_JAVA_OPTS
          value: {{ .Values.javaOpts | quote }}
        {{- with .Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.port }}
          {{- if eq .Values.mode "daemonset" }}
          hostPort: {{ .Values.port }}
          {{- end }}
          protocol: TCP
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        periodSeconds: 10
        timeoutSeconds: 5
        failureThreshold: 3
      livenessProbe:
        httpGet:
          path: /healthz
          port: http
        initialDelaySeconds: 30
        periodSeconds: 20
        timeoutSeconds: 5
        failureThreshold: 3
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: data
          mountPath: /var/lib/aicache
        - name: config
          mountPath: /etc/aicache
          readOnly: true
        # Netty and RocksDB unpack their native libraries here; the root file system is read-only.
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: config
      configMap:
        name: {{ include "aicache.fullname" . }}
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
    {{- if eq .Values.mode "daemonset" }}
    - name: data
      hostPath:
        path: {{ .Values.daemonset.hostPath }}
        type: DirectoryOrCreate
    {{- else if not .Values.persistence.enabled }}
    - name: data
      emptyDir: {}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.tolerations }}
  tolerations:
    {{- toYaml .Values.tolerations | nindent 4 }}
  {{- else if eq .Values.mode "daemonset" }}
  tolerations:
    - operator: Exists
  {{- end }}
{{- end -}}
