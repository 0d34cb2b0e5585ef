// Shared inputs of the receiver tests: a notification with one firing and one
// resolved alert, and the templates vigil renders with.
#pragma once

#include <cctype>
#include <string>

#include "vigil/notify/integration.h"
#include "vigil/notify/templates.h"

namespace vigil::notify::testing {

inline constexpr int64_t kNowMs = 1704164800000;  // 2024-01-02T03:06:40Z

// Group {alertname="HighErrorRate"}: instance a:1 firing since
// 2024-01-02T03:04:05.123Z, instance b:2 resolved at 03:05:00Z.
inline Notification TwoAlerts() {
  Notification n;
  n.receiver = "team-x";
  n.group_key = R"({}:{alertname="HighErrorRate"})";
  n.group_labels = model::Labels::FromStrings({"alertname", "HighErrorRate"});
  n.now_ms = kNowMs;
  n.external_url = "http://vigil.example:9090";
  Alert firing;
  firing.labels = model::Labels::FromStrings(
      {"alertname", "HighErrorRate", "instance", "a:1", "job", "demo", "severity", "page"});
  firing.annotations = model::Labels::FromStrings(
      {"summary", "5xx ratio above 5%", "runbook", "http://runbooks/5xx"});
  firing.starts_at_ms = 1704164645123;
  firing.ends_at_ms = kNowMs + 240000;  // valid-until in the future: firing
  firing.generator_url = "http://vigil:9090/graph?g0.expr=x";
  Alert resolved = firing;
  resolved.labels = model::Labels::FromStrings(
      {"alertname", "HighErrorRate", "instance", "b:2", "job", "demo", "severity", "page"});
  resolved.annotations = model::Labels::FromStrings({"summary", "5xx ratio above 5%"});
  resolved.starts_at_ms = 1704164600000;
  resolved.ends_at_ms = 1704164700000;
  n.alerts = {firing, resolved};
  return n;
}

inline const tmpl::Template& DefaultTemplates() {
  static const tmpl::Template* templates = [] {
    Result<tmpl::Template> t = LoadNotificationTemplates({});
    if (!t.ok()) {
      fprintf(stderr, "default templates: %s\n", t.status().message().c_str());
      abort();
    }
    return new tmpl::Template(std::move(*t));
  }();
  return *templates;
}

// Decodes quoted-printable (soft breaks and =XX).
inline std::string DecodeQuotedPrintable(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (in.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += "<bad quoted-printable>";
    }
  }
  return out;
}

}  // namespace vigil::notify::testing
