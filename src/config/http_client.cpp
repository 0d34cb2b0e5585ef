// HTTP client and TLS settings, validated as prometheus/common's
// HTTPClientConfig.Validate and TLSConfig do.
#include <cctype>

#include "internal.h"

namespace vigil::config::internal {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void DecodeTls(MapReader& r, TlsConfig* out) {
  r.FilePath("ca_file", &out->ca_file);
  r.FilePath("cert_file", &out->cert_file);
  r.FilePath("key_file", &out->key_file);
  r.String("server_name", &out->server_name);
  r.Bool("insecure_skip_verify", &out->insecure_skip_verify);
  if (r.String("min_version", &out->min_version)) {
    const std::string& v = out->min_version;
    if (v != "TLS10" && v != "TLS11" && v != "TLS12" && v != "TLS13") {
      r.Error("min_version", "unknown TLS version: " + v + " (use TLS10, TLS11, TLS12 or TLS13)");
    }
  }
  if (!out->cert_file.empty() && out->key_file.empty()) {
    r.Error("cert_file",
            "client cert file " + Quote(out->cert_file) + " specified without client key file");
  }
  if (!out->key_file.empty() && out->cert_file.empty()) {
    r.Error("key_file",
            "client key file " + Quote(out->key_file) + " specified without client cert file");
  }
}

void DecodeHttpClient(MapReader& r, HttpClientConfig* out) {
  r.Object("basic_auth", [&](MapReader& b) {
    BasicAuth auth;
    b.String("username", &auth.username);
    b.Secret("password", &auth.password);
    b.FilePath("password_file", &auth.password_file);
    if (!auth.password.empty() && !auth.password_file.empty()) {
      b.ErrorHere("at most one of basic_auth password & password_file must be configured");
    }
    out->basic_auth = std::move(auth);
  });
  r.Object("authorization", [&](MapReader& a) {
    Authorization auth;
    std::string type;
    a.String("type", &type);
    type = Trim(type);
    if (!type.empty()) auth.type = type;
    if (Lower(auth.type) == "basic") {
      a.Error("type", R"(authorization type cannot be set to "basic", use "basic_auth" instead)");
    }
    a.Secret("credentials", &auth.credentials);
    a.FilePath("credentials_file", &auth.credentials_file);
    if (!auth.credentials.empty() && !auth.credentials_file.empty()) {
      a.ErrorHere("at most one of authorization credentials & credentials_file must be configured");
    }
    out->authorization = std::move(auth);
  });
  Secret bearer_token;
  std::string bearer_token_file;
  r.Secret("bearer_token", &bearer_token);
  r.FilePath("bearer_token_file", &bearer_token_file);
  r.Unsupported("oauth2", " (use basic_auth or authorization)");
  r.Object("tls_config", [&](MapReader& t) { DecodeTls(t, &out->tls_config); });
  if (r.String("proxy_url", &out->proxy_url)) {
    if (std::string err = CheckUrlSyntax(out->proxy_url); !err.empty()) {
      r.Error("proxy_url", err);
    }
  }
  r.Bool("follow_redirects", &out->follow_redirects);
  r.Bool("enable_http2", &out->enable_http2);

  bool has_bearer = !bearer_token.empty() || !bearer_token_file.empty();
  if (!bearer_token.empty() && !bearer_token_file.empty()) {
    r.Error("bearer_token", "at most one of bearer_token & bearer_token_file must be configured");
  }
  if (out->basic_auth && has_bearer) {
    r.Error("basic_auth",
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be "
            "configured");
  }
  if (out->authorization) {
    if (has_bearer) {
      r.Error("authorization",
              "authorization is not compatible with bearer_token & bearer_token_file");
    }
    if (out->basic_auth) {
      r.Error("authorization",
              "at most one of basic_auth, oauth2 & authorization must be configured");
    }
  } else if (has_bearer) {
    Authorization auth;
    auth.credentials = bearer_token;
    auth.credentials_file = bearer_token_file;
    out->authorization = std::move(auth);
  }
}

bool DecodeHttpClientObject(MapReader& r, std::string_view key, HttpClientConfig* out) {
  return r.Object(key, [&](MapReader& h) { DecodeHttpClient(h, out); });
}

}  // namespace vigil::config::internal
