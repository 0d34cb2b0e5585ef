// Helpers for rendering a loaded config back to YAML with yaml-cpp's
// emitter. Secrets are written as "<secret>". Private to the config module.
// Thread-safety: pure functions over the emitter they are given.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/config.h"

namespace vigil::config::internal {

// key: value, skipped when the value is empty.
void Str(YAML::Emitter& e, std::string_view key, const std::string& value);
// key: value, always written (for fields whose default is not empty).
void StrAlways(YAML::Emitter& e, std::string_view key, const std::string& value);
void Bool(YAML::Emitter& e, std::string_view key, bool value);
void Int(YAML::Emitter& e, std::string_view key, int64_t value);
void Dur(YAML::Emitter& e, std::string_view key, Duration value);
// Written as "<secret>" when set, skipped when empty.
void Sec(YAML::Emitter& e, std::string_view key, const Secret& value);
// Skipped when empty.
void StrList(YAML::Emitter& e, std::string_view key, const std::vector<std::string>& values);
void StrMap(YAML::Emitter& e, std::string_view key,
            const std::map<std::string, std::string>& values);

void EmitTls(YAML::Emitter& e, const TlsConfig& tls);
// The HTTP client keys, written into the mapping being emitted.
void EmitHttpClientInline(YAML::Emitter& e, const HttpClientConfig& http);
void EmitRelabelConfigs(YAML::Emitter& e, std::string_view key,
                        const std::vector<RelabelConfig>& configs);

// The Alertmanager config as one YAML mapping (render_notifications.cpp).
void EmitNotificationConfig(YAML::Emitter& e, const NotificationConfig& config);

}  // namespace vigil::config::internal
