/**
 * reddot's default notification templates, under the names Alertmanager's
 * default.tmpl uses so receiver configs that name them keep working. Written
 * for reddot; subject, text list and PagerDuty/Slack fields give the same text
 * Alertmanager's do (people filter mail on subjects), the email bodies are
 * reddot's own and link to the alert in reddot's UI.
 */

export const DEFAULT_TEMPLATES_NAME = "default.tmpl";

export const DEFAULT_TEMPLATES = `
{{- define "__alertmanager" }}reddot{{ end }}
{{- define "__alertmanagerURL" }}{{ .ExternalURL }}/alerts?receiver={{ urlquery .Receiver }}{{ end }}
{{- define "__reddotAlertURL" }}{{ .ExternalURL }}/alerts/{{ .Fingerprint }}{{ end }}

{{- /* "[FIRING:2] <group label values> (<other common label values>)" */ -}}
{{- define "__subject" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
{{- " " }}{{ join " " .GroupLabels.SortedPairs.Values }}{{ " " }}
{{- if gt (len .CommonLabels) (len .GroupLabels) -}}
({{ join " " (.CommonLabels.Remove .GroupLabels.Names).Values }})
{{- end }}
{{- end }}

{{- define "__description" }}{{ end }}

{{- define "__text_alert_list" }}
{{- range $alert := . -}}
Labels:
{{ range $alert.Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end -}}
Annotations:
{{ range $alert.Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end -}}
Source: {{ $alert.GeneratorURL }}
{{ end }}
{{- end }}

{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{- define "slack.default.pretext" }}{{ end }}
{{- define "slack.default.text" }}{{ end }}
{{- define "slack.default.footer" }}{{ end }}

{{- define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
{{- define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end }}

{{- define "__email_alert_text" -}}
[{{ toUpper .Status }}] {{ .Labels.alertname }}
  started: {{ .StartsAt.Format "2006-01-02 15:04:05 MST" }}
{{- if eq .Status "resolved" }}
  ended:   {{ .EndsAt.Format "2006-01-02 15:04:05 MST" }}
{{- end }}
  labels:
{{- range .Labels.SortedPairs }}
    {{ .Name }} = {{ .Value }}
{{- end }}
{{- if .Annotations }}
  annotations:
{{- range .Annotations.SortedPairs }}
    {{ .Name }} = {{ .Value }}
{{- end }}
{{- end }}
{{- if .GeneratorURL }}
  source: {{ .GeneratorURL }}
{{- end }}
{{- end }}

{{- define "email.default.text" -}}
{{ template "__subject" . }}

{{ len .Alerts.Firing }} firing, {{ len .Alerts.Resolved }} resolved (receiver {{ .Receiver }}).
{{- $root := . }}
{{- range .Alerts }}

{{ template "__email_alert_text" . }}
  details: {{ $root.ExternalURL }}/alerts/{{ .Fingerprint }}
{{- end }}

All alerts of this receiver: {{ template "__alertmanagerURL" . }}
{{ end }}

{{- define "__email_alert_html" -}}
<table style="width:100%;border-collapse:collapse;margin:0 0 16px 0;border:1px solid #d0d7de">
<tr><td colspan="2" style="padding:8px;color:#fff;background:{{ if eq .Status "firing" }}#c62828{{ else }}#2e7d32{{ end }}"><strong>{{ toUpper .Status }}</strong> {{ .Labels.alertname }}</td></tr>
<tr><td style="padding:4px 8px;vertical-align:top">Started</td><td style="padding:4px 8px">{{ .StartsAt.Format "2006-01-02 15:04:05 MST" }}</td></tr>
{{- if eq .Status "resolved" }}
<tr><td style="padding:4px 8px;vertical-align:top">Ended</td><td style="padding:4px 8px">{{ .EndsAt.Format "2006-01-02 15:04:05 MST" }}</td></tr>
{{- end }}
<tr><td style="padding:4px 8px;vertical-align:top">Labels</td><td style="padding:4px 8px">
{{- range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}<br>{{ end -}}
</td></tr>
{{- if .Annotations }}
<tr><td style="padding:4px 8px;vertical-align:top">Annotations</td><td style="padding:4px 8px">
{{- range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}<br>{{ end -}}
</td></tr>
{{- end }}
</table>
{{- end }}

{{- define "email.default.html" -}}
<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width">
<title>{{ template "__subject" . }}</title>
</head>
<body style="font-family:Helvetica,Arial,sans-serif;font-size:14px;margin:0;padding:16px">
<p><strong>{{ len .Alerts.Firing }}</strong> firing, <strong>{{ len .Alerts.Resolved }}</strong> resolved
{{- if .GroupLabels }} for {{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}{{ end }}</p>
{{- $root := . }}
{{- range .Alerts }}
{{ template "__email_alert_html" . }}
<p><a href="{{ $root.ExternalURL }}/alerts/{{ .Fingerprint }}">View this alert in reddot</a>
{{- if match "^https?://" .GeneratorURL }} · <a href="{{ .GeneratorURL }}">Source</a>{{ end }}</p>
{{- end }}
<p style="color:#57606a;font-size:12px">Sent by reddot to receiver {{ .Receiver }}. <a href="{{ template "__alertmanagerURL" . }}">All alerts of this receiver</a></p>
</body>
</html>
{{ end }}
`;
