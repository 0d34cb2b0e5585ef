// vigil's own text for Alertmanager 0.25's default templates: every
// definition renders what Alertmanager's default.tmpl and email.tmpl render
// for the same data (the HTML email is a plainer page with the same content).
#include <glob.h>

#include <fstream>
#include <sstream>

#include "vigil/notify/templates.h"

namespace vigil::notify {

namespace {

constexpr std::string_view kDefaults = R"TMPL(
{{- define "__alertmanager" }}Alertmanager{{ end }}

{{- define "__alertmanagerURL" -}}
{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}
{{- end }}

{{- /* [FIRING:n] group label values (other common label values) */ -}}
{{- define "__subject" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
{{- " " }}{{ join " " .GroupLabels.SortedPairs.Values }}{{ " " }}
{{- if gt (len .CommonLabels) (len .GroupLabels) -}}
({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ join " " .Values }}{{ end }})
{{- end }}
{{- end }}

{{- define "__description" }}{{ end }}

{{- define "__text_alert_list" -}}
{{ range $alert := . -}}
Labels:
{{ range $alert.Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end -}}
Annotations:
{{ range $alert.Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end -}}
Source: {{ $alert.GeneratorURL }}
{{ end -}}
{{- end }}

{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "slack.default.fallback" -}}
{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}
{{- end }}
{{- define "slack.default.callbackid" }}{{ end }}
{{- define "slack.default.pretext" }}{{ end }}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "slack.default.iconemoji" }}{{ end }}
{{- define "slack.default.iconurl" }}{{ end }}
{{- define "slack.default.text" }}{{ end }}
{{- define "slack.default.footer" }}{{ end }}

{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end }}

{{- define "__email_alert" -}}
<tr><td style="padding:10px 20px;border-top:1px solid #eee">
<strong>Labels</strong><br>
{{ range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}<br>
{{ end -}}
{{ if gt (len .Annotations) 0 }}<strong>Annotations</strong><br>
{{ end -}}
{{ range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}<br>
{{ end -}}
<a href="{{ .GeneratorURL }}">Source</a>
</td></tr>
{{ end }}

{{- define "email.default.html" -}}
<!DOCTYPE html>
<html>
<head>
<meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{{ template "__subject" . }}</title>
</head>
<body style="margin:0;padding:20px;background:#f6f6f6;font-family:'Helvetica Neue',Helvetica,Arial,sans-serif;font-size:14px">
<table width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;background:#fff;border:1px solid #e9e9e9;border-radius:3px">
<tr><td style="padding:20px;color:#fff;font-size:16px;background:{{ if gt (len .Alerts.Firing) 0 }}#e05d44{{ else }}#68b90f{{ end }}">
{{ len .Alerts }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}
</td></tr>
<tr><td style="padding:20px"><a href="{{ template "__alertmanagerURL" . }}" style="color:#fff;background:#348eda;padding:10px 20px;border-radius:5px;text-decoration:none;font-weight:bold">View in {{ template "__alertmanager" . }}</a></td></tr>
{{ if gt (len .Alerts.Firing) 0 -}}
<tr><td style="padding:10px 20px"><strong>[{{ len .Alerts.Firing }}] Firing</strong></td></tr>
{{ range .Alerts.Firing }}{{ template "__email_alert" . }}{{ end -}}
{{ end -}}
{{ if gt (len .Alerts.Resolved) 0 -}}
<tr><td style="padding:10px 20px"><strong>[{{ len .Alerts.Resolved }}] Resolved</strong></td></tr>
{{ range .Alerts.Resolved }}{{ template "__email_alert" . }}{{ end -}}
{{ end -}}
<tr><td style="padding:20px;text-align:center;font-size:12px"><a href="{{ .ExternalURL }}" style="color:#999">Sent by {{ template "__alertmanager" . }}</a></td></tr>
</table>
</body>
</html>
{{ end }}
)TMPL";

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("unable to read template file " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

std::string_view DefaultTemplateText() { return kDefaults; }

Result<tmpl::Template> LoadNotificationTemplates(const std::vector<std::string>& globs) {
  Result<tmpl::Template> templates = tmpl::Template::Parse("default.tmpl", kDefaults, tmpl::AlertmanagerFunctions());
  if (!templates.ok()) return templates.status();
  for (const std::string& pattern : globs) {
    glob_t matches{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &matches);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      globfree(&matches);
      return IoError("unable to expand template glob " + pattern);
    }
    std::vector<std::string> files(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
    globfree(&matches);
    for (const std::string& file : files) {
      Result<std::string> text = ReadFile(file);
      if (!text.ok()) return text.status();
      if (Status s = templates->AddDefinitions(file, *text); !s.ok()) return s;
    }
  }
  return templates;
}

}  // namespace vigil::notify
