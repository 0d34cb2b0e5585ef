// The config loader's sections, each decoding one part of the file with the
// helpers of decode.h. Private to the config module.
// Thread-safety: single-threaded use during one load.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "decode.h"
#include "vigil/config/config.h"

namespace vigil::config::internal {

// http_client.cpp: Prometheus's HTTPClientConfig keys read inline from `r`
// (basic_auth, authorization, bearer_token[_file], tls_config, proxy_url,
// follow_redirects, enable_http2), validated as prometheus/common does.
void DecodeHttpClient(MapReader& r, HttpClientConfig* out);
// The same keys under `key` (Alertmanager's http_config). True when present.
bool DecodeHttpClientObject(MapReader& r, std::string_view key, HttpClientConfig* out);
void DecodeTls(MapReader& r, TlsConfig* out);

// relabel.cpp: a list of relabel rules under `key`.
void DecodeRelabelConfigs(MapReader& r, std::string_view key, std::vector<RelabelConfig>* out);

// scrape.cpp
void DecodeGlobal(MapReader& r, GlobalConfig* out);
void DecodeScrapeConfigs(MapReader& r, const GlobalConfig& global, std::vector<ScrapeConfig>* out);
// static_configs and file_sd_configs, and a "not supported" error for every
// other *_sd_configs key of `r`.
void DecodeServiceDiscovery(MapReader& r, std::vector<StaticConfig>* static_configs,
                            std::vector<FileSdConfig>* file_sd_configs);
// "10MB" and the like, base 2, as Prometheus's units.Base2Bytes. Returns ""
// when valid, else why not.
std::string ParseBase2Bytes(std::string_view text, int64_t* out);

// remote.cpp
void DecodeAlerting(MapReader& r, AlertingConfig* out);
void DecodeRemoteWrite(MapReader& r, std::vector<RemoteWriteConfig>* out);

// notifications.cpp: a whole Alertmanager config held in `node`.
void DecodeAlertmanagerConfig(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                              const std::string& path, NotificationConfig* out);
// Splits "host:port" as Go's net.SplitHostPort. Returns "" when valid.
std::string ParseHostPort(std::string_view text, HostPort* out);

// receivers.cpp: one receiver, with the global defaults applied.
void DecodeReceiver(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                    const std::string& path, const NotificationGlobalConfig& global, Receiver* out);

// receivers_other.cpp: the receiver kinds vigil does not deliver to.
void DecodeUnsupportedReceivers(MapReader& r, const NotificationGlobalConfig& global,
                                Receiver* out);

// routes.cpp: the routing tree (with inheritance and Alertmanager's root-route
// rules), checked against the receiver and time-interval names.
void DecodeRootRoute(MapReader& r, const std::vector<std::string>& receivers,
                     const std::vector<std::string>& time_intervals, Route* out);
void DecodeInhibitRule(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                       const std::string& path, InhibitRule* out);

// time_intervals.cpp
void DecodeNamedTimeInterval(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                             const std::string& path, NamedTimeInterval* out);

// load.cpp: reads a whole file; returns "" or the reason it could not.
std::string ReadWholeFile(const std::string& path, std::string* out);
std::string DirName(std::string_view path);

}  // namespace vigil::config::internal
