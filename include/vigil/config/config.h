// vigil's config file: Prometheus's prometheus.yml shape (global,
// scrape_configs, rule_files, alerting, remote_write) plus a `notifications`
// section in Alertmanager's format (notifications.h). Loading validates
// everything, as Prometheus 2.42 and Alertmanager 0.25 do, and fills in their
// defaults; a Config that loaded is complete and needs no further checks.
//
// Errors name file:line:column (1-based) and the key path, one per line,
// every error of the file at once:
//   vigil.yml:7:5: scrape_configs[0].scrape_interval: not a valid duration string: "5x"
//
// Reload is "load a new Config, then swap the shared_ptr"; a failed load
// changes nothing.
// Thread-safety: the loading functions are reentrant; a loaded Config is
// immutable and may be shared across threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/config/common.h"
#include "vigil/config/notifications.h"

namespace vigil::config {

struct GlobalConfig {
  Duration scrape_interval = std::chrono::minutes(1);
  Duration scrape_timeout = std::chrono::seconds(10);  // never above scrape_interval
  Duration evaluation_interval = std::chrono::minutes(1);
  std::map<std::string, std::string> external_labels;
};

struct StaticConfig {
  std::vector<std::string> targets;  // host:port
  std::map<std::string, std::string> labels;

  friend bool operator==(const StaticConfig&, const StaticConfig&) = default;
};

struct FileSdConfig {
  std::vector<std::string> files;  // globs of *.json / *.yml / *.yaml, resolved
  Duration refresh_interval = std::chrono::minutes(5);

  friend bool operator==(const FileSdConfig&, const FileSdConfig&) = default;
};

struct ScrapeConfig {
  std::string job_name;        // unique in the file
  Duration scrape_interval{};  // the global value unless set
  Duration scrape_timeout{};   // the global value (capped at scrape_interval) unless set
  std::string metrics_path = "/metrics";
  std::string scheme = "http";  // "http" or "https"
  std::map<std::string, std::vector<std::string>> params;
  bool honor_labels = false;
  bool honor_timestamps = true;
  // 0 means no limit for every limit below.
  uint64_t sample_limit = 0;
  uint64_t target_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  int64_t body_size_limit = 0;  // bytes; written with base-2 units ("10MB" = 10 MiB)
  HttpClientConfig http;        // inline keys: basic_auth, authorization, tls_config, ...
  std::vector<StaticConfig> static_configs;
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<RelabelConfig> relabel_configs;
  std::vector<RelabelConfig> metric_relabel_configs;
  // vigil extension, interpreted by the scrape module (strict parsing of the
  // target's exposition).
  bool strict = false;

  friend bool operator==(const ScrapeConfig&, const ScrapeConfig&) = default;
};

struct AlertmanagerConfig {
  std::vector<StaticConfig> static_configs;
  std::vector<FileSdConfig> file_sd_configs;
  HttpClientConfig http;
  std::string scheme = "http";
  std::string path_prefix;
  Duration timeout = std::chrono::seconds(10);
  std::string api_version = "v2";  // the only one vigil speaks
  std::vector<RelabelConfig> relabel_configs;
};

struct AlertingConfig {
  std::vector<RelabelConfig> alert_relabel_configs;
  std::vector<AlertmanagerConfig> alertmanagers;
};

// Prometheus 2.42's defaults.
struct QueueConfig {
  int64_t capacity = 2500;
  int64_t max_shards = 200;
  int64_t min_shards = 1;
  int64_t max_samples_per_send = 500;
  Duration batch_send_deadline = std::chrono::seconds(5);
  Duration min_backoff = std::chrono::milliseconds(30);
  Duration max_backoff = std::chrono::seconds(5);
  bool retry_on_http_429 = false;
};

struct MetadataConfig {
  bool send = true;
  Duration send_interval = std::chrono::minutes(1);
  int64_t max_samples_per_send = 500;
};

struct RemoteWriteConfig {
  std::string url;   // required, http or https
  std::string name;  // unique when set
  Duration remote_timeout = std::chrono::seconds(30);
  std::map<std::string, std::string> headers;
  std::vector<RelabelConfig> write_relabel_configs;
  HttpClientConfig http;
  QueueConfig queue_config;
  MetadataConfig metadata_config;
  bool send_exemplars = false;
};

struct Config {
  std::string source_file;  // the path the config was loaded from (or the name given)
  std::string base_dir;     // its directory; relative paths were resolved against it
  GlobalConfig global;
  std::vector<std::string> rule_files;  // globs, resolved against base_dir
  std::vector<ScrapeConfig> scrape_configs;
  AlertingConfig alerting;
  std::vector<RemoteWriteConfig> remote_write;
  // Absent when the file has no `notifications` section.
  std::optional<NotificationConfig> notifications;
  // Set when notifications came from `notifications: {config_file: ...}`: that
  // file's resolved path.
  std::string notifications_file;
};

// Reads and validates the config file at `path`.
Result<std::shared_ptr<const Config>> LoadConfigFile(const std::string& path);

// Validates config text; `filename` names it in errors, and its directory is
// the base for relative paths (including notifications.config_file).
Result<std::shared_ptr<const Config>> ParseConfig(std::string_view yaml_text,
                                                  std::string_view filename);

// A standalone Alertmanager 0.25 config file (`vigil check alertmanager-config`).
Result<std::shared_ptr<const NotificationConfig>> LoadAlertmanagerConfigFile(
    const std::string& path);
Result<std::shared_ptr<const NotificationConfig>> ParseAlertmanagerConfig(
    std::string_view yaml_text, std::string_view filename);

// The loaded config as YAML, defaults filled in and every Secret shown as
// "<secret>" (for /api/v1/status/config). It loads back to an equal config,
// secrets aside.
std::string RenderConfigYaml(const Config& config);
std::string RenderNotificationConfigYaml(const NotificationConfig& config);

}  // namespace vigil::config
