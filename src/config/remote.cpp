// `alerting` (Alertmanagers to send to) and `remote_write`, with Prometheus
// 2.42's defaults and checks.
#include <cctype>
#include <map>
#include <set>

#include "internal.h"

namespace vigil::config::internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void DecodeScheme(MapReader& r, std::string* scheme) {
  if (r.String("scheme", scheme) && *scheme != "http" && *scheme != "https") {
    r.Error("scheme", "scheme must be \"http\" or \"https\", got " + Quote(*scheme));
  }
}

void DecodeAlertmanager(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                        const std::string& path, AlertmanagerConfig* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  DecodeServiceDiscovery(r, &out->static_configs, &out->file_sd_configs);
  DecodeHttpClient(r, &out->http);
  DecodeScheme(r, &out->scheme);
  r.String("path_prefix", &out->path_prefix);
  r.Duration("timeout", &out->timeout);
  if (r.String("api_version", &out->api_version)) {
    if (out->api_version == "v1") {
      r.Error("api_version", "Alertmanager api_version v1 is not supported by vigil (use v2)");
    } else if (out->api_version != "v2") {
      r.Error("api_version", "expected Alertmanager api version to be one of [v1 v2] but got " +
                                 Quote(out->api_version));
    }
  }
  DecodeRelabelConfigs(r, "relabel_configs", &out->relabel_configs);
  r.Done();
}

void DecodeQueueConfig(MapReader& r, QueueConfig* out) {
  r.Int("capacity", &out->capacity);
  r.Int("max_shards", &out->max_shards);
  r.Int("min_shards", &out->min_shards);
  r.Int("max_samples_per_send", &out->max_samples_per_send);
  r.Duration("batch_send_deadline", &out->batch_send_deadline);
  r.Duration("min_backoff", &out->min_backoff);
  r.Duration("max_backoff", &out->max_backoff);
  r.Bool("retry_on_http_429", &out->retry_on_http_429);
}

void DecodeRemoteWriteConfig(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                             const std::string& path, RemoteWriteConfig* out) {
  // Headers Prometheus sets itself (config.go reservedHeaders).
  static const std::set<std::string> kReserved = {"content-encoding",
                                                  "content-length",
                                                  "content-type",
                                                  "user-agent",
                                                  "connection",
                                                  "keep-alive",
                                                  "proxy-authenticate",
                                                  "proxy-authorization",
                                                  "www-authenticate",
                                                  "accept-encoding",
                                                  "x-prometheus-remote-write-version",
                                                  "x-prometheus-remote-read-version"};
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  if (r.Required("url") && r.String("url", &out->url)) {
    if (std::string err = CheckHttpUrl(out->url); !err.empty()) r.Error("url", err);
  }
  r.String("name", &out->name);
  r.Duration("remote_timeout", &out->remote_timeout);
  if (r.StringMap("headers", &out->headers)) {
    for (const auto& [header, value] : out->headers) {
      std::string lower = Lower(header);
      if (lower == "authorization") {
        r.Error("headers",
                "authorization header must be changed via the basic_auth or "
                "authorization parameter");
      } else if (kReserved.count(lower) != 0) {
        r.Error("headers", header + " is a reserved header. It must not be changed");
      }
    }
  }
  DecodeRelabelConfigs(r, "write_relabel_configs", &out->write_relabel_configs);
  DecodeHttpClient(r, &out->http);
  r.Object("queue_config", [&](MapReader& q) { DecodeQueueConfig(q, &out->queue_config); });
  r.Object("metadata_config", [&](MapReader& m) {
    m.Bool("send", &out->metadata_config.send);
    m.Duration("send_interval", &out->metadata_config.send_interval);
    m.Int("max_samples_per_send", &out->metadata_config.max_samples_per_send);
  });
  r.Bool("send_exemplars", &out->send_exemplars);
  r.Unsupported("sigv4", " (use basic_auth or authorization)");
  r.Done();
}

}  // namespace

void DecodeAlerting(MapReader& r, AlertingConfig* out) {
  DecodeRelabelConfigs(r, "alert_relabel_configs", &out->alert_relabel_configs);
  r.List("alertmanagers", &out->alertmanagers,
         [&r](const YAML::Node& n, const YAML::Mark& m, const std::string& p,
              AlertmanagerConfig* c) { DecodeAlertmanager(r.decoder(), n, m, p, c); });
}

void DecodeRemoteWrite(MapReader& r, std::vector<RemoteWriteConfig>* out) {
  r.List("remote_write", out,
         [&r](const YAML::Node& n, const YAML::Mark& m, const std::string& p,
              RemoteWriteConfig* c) { DecodeRemoteWriteConfig(r.decoder(), n, m, p, c); });
  const YAML::Node list = r.Get("remote_write");
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < out->size(); ++i) {
    const std::string& name = (*out)[i].name;
    if (name.empty()) continue;
    auto [it, inserted] = seen.emplace(name, i);
    if (!inserted) {
      r.decoder().Error(KeyMarkOf(list[i], "name"),
                        r.KeyPath("remote_write") + "[" + std::to_string(i) + "].name",
                        "found multiple remote write configs with name " + Quote(name));
    }
  }
}

}  // namespace vigil::config::internal
