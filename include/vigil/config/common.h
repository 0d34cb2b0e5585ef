// Config pieces shared by several sections of vigil's config file: secrets,
// HTTP client settings (Prometheus's common HTTPClientConfig), TLS settings
// and relabel rules.
//
// Plain structs filled and validated by the loader (config.h); they carry
// defaults as Prometheus 2.42 and Alertmanager 0.25 define them.
// Thread-safety: immutable values once loaded; safe to read from any thread.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace vigil::config {

// A password, token, credential or secret URL. Printing it (operator<<) and
// rendering the config to YAML show "<secret>"; only Reveal() gives the value.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  const std::string& Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  // "<secret>" when set, "" when empty.
  std::string_view Redacted() const;

  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

inline constexpr std::string_view kSecretToken = "<secret>";

// Writes Redacted(), never the value.
std::ostream& operator<<(std::ostream& os, const Secret& secret);

struct TlsConfig {
  std::string ca_file;    // file paths are resolved against the config file's directory
  std::string cert_file;  // set together with key_file, or neither
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version;  // "", "TLS10", "TLS11", "TLS12" or "TLS13"

  friend bool operator==(const TlsConfig&, const TlsConfig&) = default;
};

struct BasicAuth {
  std::string username;
  Secret password;  // at most one of password and password_file
  std::string password_file;

  friend bool operator==(const BasicAuth&, const BasicAuth&) = default;
};

// The Authorization header. The older bearer_token / bearer_token_file keys
// load into this too (type "Bearer"), as Prometheus does.
struct Authorization {
  std::string type = "Bearer";
  Secret credentials;  // at most one of credentials and credentials_file
  std::string credentials_file;

  friend bool operator==(const Authorization&, const Authorization&) = default;
};

// How vigil talks HTTP to one kind of peer (scrape targets, Alertmanagers,
// remote-write endpoints, notification receivers). At most one of basic_auth
// and authorization is set.
struct HttpClientConfig {
  std::optional<BasicAuth> basic_auth;
  std::optional<Authorization> authorization;
  TlsConfig tls_config;
  std::string proxy_url;
  bool follow_redirects = true;
  bool enable_http2 = true;

  friend bool operator==(const HttpClientConfig&, const HttpClientConfig&) = default;
};

// Every action of Prometheus 2.42's relabeling.
enum class RelabelAction {
  kReplace,
  kKeep,
  kDrop,
  kKeepEqual,
  kDropEqual,
  kHashMod,
  kLabelMap,
  kLabelDrop,
  kLabelKeep,
  kLowercase,
  kUppercase,
};

// "replace", "keep", ...: the names used in config files.
std::string_view RelabelActionName(RelabelAction action);
// Case-insensitive, as Prometheus; nullopt for an unknown name.
std::optional<RelabelAction> ParseRelabelAction(std::string_view name);

// One relabel rule, validated with Prometheus's per-action rules.
struct RelabelConfig {
  std::vector<std::string> source_labels;
  std::string separator = ";";
  std::string regex = "(.*)";  // as written, unanchored
  // `regex` compiled fully anchored (^(?:regex)$); never null once loaded.
  std::shared_ptr<const re2::RE2> compiled_regex;
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement = "$1";
  RelabelAction action = RelabelAction::kReplace;

  // Equal rules, whatever object their compiled regexes are.
  friend bool operator==(const RelabelConfig& a, const RelabelConfig& b) {
    return a.source_labels == b.source_labels && a.separator == b.separator &&
           a.regex == b.regex && a.modulus == b.modulus && a.target_label == b.target_label &&
           a.replacement == b.replacement && a.action == b.action;
  }
};

}  // namespace vigil::config
