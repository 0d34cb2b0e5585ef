// Renders a loaded Config back to YAML (for /api/v1/status/config): every
// default filled in, every Secret shown as "<secret>".
#include "render.h"

namespace vigil::config {
namespace internal {

void Str(YAML::Emitter& e, std::string_view key, const std::string& value) {
  if (!value.empty()) StrAlways(e, key, value);
}

void StrAlways(YAML::Emitter& e, std::string_view key, const std::string& value) {
  e << YAML::Key << std::string(key) << YAML::Value << YAML::DoubleQuoted << value;
}

void Bool(YAML::Emitter& e, std::string_view key, bool value) {
  e << YAML::Key << std::string(key) << YAML::Value << value;
}

void Int(YAML::Emitter& e, std::string_view key, int64_t value) {
  e << YAML::Key << std::string(key) << YAML::Value << value;
}

void Dur(YAML::Emitter& e, std::string_view key, Duration value) {
  e << YAML::Key << std::string(key) << YAML::Value << FormatDuration(value);
}

void Sec(YAML::Emitter& e, std::string_view key, const Secret& value) {
  if (!value.empty()) {
    e << YAML::Key << std::string(key) << YAML::Value << std::string(value.Redacted());
  }
}

void StrList(YAML::Emitter& e, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  e << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const std::string& v : values) e << YAML::DoubleQuoted << v;
  e << YAML::EndSeq;
}

void StrMap(YAML::Emitter& e, std::string_view key,
            const std::map<std::string, std::string>& values) {
  if (values.empty()) return;
  e << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : values) e << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
  e << YAML::EndMap;
}

void EmitTls(YAML::Emitter& e, const TlsConfig& tls) {
  e << YAML::BeginMap;
  Str(e, "ca_file", tls.ca_file);
  Str(e, "cert_file", tls.cert_file);
  Str(e, "key_file", tls.key_file);
  Str(e, "server_name", tls.server_name);
  Bool(e, "insecure_skip_verify", tls.insecure_skip_verify);
  Str(e, "min_version", tls.min_version);
  e << YAML::EndMap;
}

void EmitHttpClientInline(YAML::Emitter& e, const HttpClientConfig& http) {
  if (http.basic_auth) {
    e << YAML::Key << "basic_auth" << YAML::Value << YAML::BeginMap;
    StrAlways(e, "username", http.basic_auth->username);
    Sec(e, "password", http.basic_auth->password);
    Str(e, "password_file", http.basic_auth->password_file);
    e << YAML::EndMap;
  }
  if (http.authorization) {
    e << YAML::Key << "authorization" << YAML::Value << YAML::BeginMap;
    StrAlways(e, "type", http.authorization->type);
    Sec(e, "credentials", http.authorization->credentials);
    Str(e, "credentials_file", http.authorization->credentials_file);
    e << YAML::EndMap;
  }
  e << YAML::Key << "tls_config" << YAML::Value;
  EmitTls(e, http.tls_config);
  Str(e, "proxy_url", http.proxy_url);
  Bool(e, "follow_redirects", http.follow_redirects);
  Bool(e, "enable_http2", http.enable_http2);
}

void EmitRelabelConfigs(YAML::Emitter& e, std::string_view key,
                        const std::vector<RelabelConfig>& configs) {
  if (configs.empty()) return;
  e << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const RelabelConfig& c : configs) {
    e << YAML::BeginMap;
    if (!c.source_labels.empty()) {
      e << YAML::Key << "source_labels" << YAML::Value << YAML::Flow << c.source_labels;
    }
    StrAlways(e, "separator", c.separator);
    // keepequal and dropequal take no regex; writing the default would read back as set.
    if (c.action != RelabelAction::kKeepEqual && c.action != RelabelAction::kDropEqual) {
      StrAlways(e, "regex", c.regex);
    }
    if (c.modulus != 0) Int(e, "modulus", static_cast<int64_t>(c.modulus));
    Str(e, "target_label", c.target_label);
    StrAlways(e, "replacement", c.replacement);
    e << YAML::Key << "action" << YAML::Value << std::string(RelabelActionName(c.action));
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
}

namespace {

void EmitServiceDiscovery(YAML::Emitter& e, const std::vector<StaticConfig>& statics,
                          const std::vector<FileSdConfig>& files) {
  if (!statics.empty()) {
    e << YAML::Key << "static_configs" << YAML::Value << YAML::BeginSeq;
    for (const StaticConfig& s : statics) {
      e << YAML::BeginMap;
      e << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq;
      for (const std::string& t : s.targets) e << YAML::DoubleQuoted << t;
      e << YAML::EndSeq;
      StrMap(e, "labels", s.labels);
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  if (!files.empty()) {
    e << YAML::Key << "file_sd_configs" << YAML::Value << YAML::BeginSeq;
    for (const FileSdConfig& f : files) {
      e << YAML::BeginMap;
      StrList(e, "files", f.files);
      Dur(e, "refresh_interval", f.refresh_interval);
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
}

void EmitScrapeConfig(YAML::Emitter& e, const ScrapeConfig& s) {
  e << YAML::BeginMap;
  StrAlways(e, "job_name", s.job_name);
  Bool(e, "honor_labels", s.honor_labels);
  Bool(e, "honor_timestamps", s.honor_timestamps);
  if (!s.params.empty()) {
    e << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, values] : s.params) {
      e << YAML::Key << k << YAML::Value << YAML::Flow << values;
    }
    e << YAML::EndMap;
  }
  Dur(e, "scrape_interval", s.scrape_interval);
  Dur(e, "scrape_timeout", s.scrape_timeout);
  StrAlways(e, "metrics_path", s.metrics_path);
  StrAlways(e, "scheme", s.scheme);
  if (s.body_size_limit != 0) {
    StrAlways(e, "body_size_limit", std::to_string(s.body_size_limit) + "B");
  }
  Int(e, "sample_limit", static_cast<int64_t>(s.sample_limit));
  Int(e, "target_limit", static_cast<int64_t>(s.target_limit));
  Int(e, "label_limit", static_cast<int64_t>(s.label_limit));
  Int(e, "label_name_length_limit", static_cast<int64_t>(s.label_name_length_limit));
  Int(e, "label_value_length_limit", static_cast<int64_t>(s.label_value_length_limit));
  EmitHttpClientInline(e, s.http);
  EmitServiceDiscovery(e, s.static_configs, s.file_sd_configs);
  EmitRelabelConfigs(e, "relabel_configs", s.relabel_configs);
  EmitRelabelConfigs(e, "metric_relabel_configs", s.metric_relabel_configs);
  Bool(e, "strict", s.strict);
  e << YAML::EndMap;
}

void EmitAlerting(YAML::Emitter& e, const AlertingConfig& a) {
  if (a.alert_relabel_configs.empty() && a.alertmanagers.empty()) return;
  e << YAML::Key << "alerting" << YAML::Value << YAML::BeginMap;
  EmitRelabelConfigs(e, "alert_relabel_configs", a.alert_relabel_configs);
  if (!a.alertmanagers.empty()) {
    e << YAML::Key << "alertmanagers" << YAML::Value << YAML::BeginSeq;
    for (const AlertmanagerConfig& am : a.alertmanagers) {
      e << YAML::BeginMap;
      StrAlways(e, "scheme", am.scheme);
      Str(e, "path_prefix", am.path_prefix);
      Dur(e, "timeout", am.timeout);
      StrAlways(e, "api_version", am.api_version);
      EmitHttpClientInline(e, am.http);
      EmitServiceDiscovery(e, am.static_configs, am.file_sd_configs);
      EmitRelabelConfigs(e, "relabel_configs", am.relabel_configs);
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  e << YAML::EndMap;
}

void EmitRemoteWrite(YAML::Emitter& e, const RemoteWriteConfig& rw) {
  e << YAML::BeginMap;
  StrAlways(e, "url", rw.url);
  Str(e, "name", rw.name);
  Dur(e, "remote_timeout", rw.remote_timeout);
  StrMap(e, "headers", rw.headers);
  EmitRelabelConfigs(e, "write_relabel_configs", rw.write_relabel_configs);
  EmitHttpClientInline(e, rw.http);
  const QueueConfig& q = rw.queue_config;
  e << YAML::Key << "queue_config" << YAML::Value << YAML::BeginMap;
  Int(e, "capacity", q.capacity);
  Int(e, "max_shards", q.max_shards);
  Int(e, "min_shards", q.min_shards);
  Int(e, "max_samples_per_send", q.max_samples_per_send);
  Dur(e, "batch_send_deadline", q.batch_send_deadline);
  Dur(e, "min_backoff", q.min_backoff);
  Dur(e, "max_backoff", q.max_backoff);
  Bool(e, "retry_on_http_429", q.retry_on_http_429);
  e << YAML::EndMap;
  e << YAML::Key << "metadata_config" << YAML::Value << YAML::BeginMap;
  Bool(e, "send", rw.metadata_config.send);
  Dur(e, "send_interval", rw.metadata_config.send_interval);
  Int(e, "max_samples_per_send", rw.metadata_config.max_samples_per_send);
  e << YAML::EndMap;
  Bool(e, "send_exemplars", rw.send_exemplars);
  e << YAML::EndMap;
}

}  // namespace
}  // namespace internal

std::string RenderConfigYaml(const Config& config) {
  using namespace internal;  // NOLINT: the emit helpers
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "global" << YAML::Value << YAML::BeginMap;
  Dur(e, "scrape_interval", config.global.scrape_interval);
  Dur(e, "scrape_timeout", config.global.scrape_timeout);
  Dur(e, "evaluation_interval", config.global.evaluation_interval);
  StrMap(e, "external_labels", config.global.external_labels);
  e << YAML::EndMap;
  StrList(e, "rule_files", config.rule_files);
  if (!config.scrape_configs.empty()) {
    e << YAML::Key << "scrape_configs" << YAML::Value << YAML::BeginSeq;
    for (const ScrapeConfig& s : config.scrape_configs) EmitScrapeConfig(e, s);
    e << YAML::EndSeq;
  }
  EmitAlerting(e, config.alerting);
  if (!config.remote_write.empty()) {
    e << YAML::Key << "remote_write" << YAML::Value << YAML::BeginSeq;
    for (const RemoteWriteConfig& rw : config.remote_write) EmitRemoteWrite(e, rw);
    e << YAML::EndSeq;
  }
  if (config.notifications) {
    e << YAML::Key << "notifications" << YAML::Value;
    EmitNotificationConfig(e, *config.notifications);
  }
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

std::string RenderNotificationConfigYaml(const NotificationConfig& config) {
  YAML::Emitter e;
  internal::EmitNotificationConfig(e, config);
  return std::string(e.c_str()) + "\n";
}

}  // namespace vigil::config
