// The entry points: read a file, parse its YAML (yaml-cpp exceptions stop
// here), decode every section, and return the config or every error.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "internal.h"

namespace vigil::config {
namespace internal {

std::string ReadWholeFile(const std::string& path, std::string* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return std::strerror(errno);
  out->clear();
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  int err = std::ferror(f) ? errno : 0;
  std::fclose(f);
  return err != 0 ? std::strerror(err) : "";
}

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

namespace {

// Parses YAML text; on a syntax error records it and returns false.
bool ParseYaml(Decoder& d, std::string_view text, YAML::Node* out) {
  try {
    *out = YAML::Load(std::string(text));
    return true;
  } catch (const YAML::Exception& e) {
    d.Error(e.mark, "", "YAML syntax error: " + e.msg);
    return false;
  }
}

Status ErrorsToStatus(const Decoder& d) { return InvalidArgument(d.ErrorText()); }

// `notifications:` is either an inline Alertmanager config or
// {config_file: path} naming one (relative to the config file).
void DecodeNotifications(MapReader& top, Config* out) {
  const YAML::Node node = top.Get("notifications");
  if (IsNullNode(node)) return;
  Decoder& d = top.decoder();
  if (!node.IsMap() || !node["config_file"]) {
    out->notifications.emplace();
    DecodeAlertmanagerConfig(d, node, top.KeyMark("notifications"), "notifications",
                             &*out->notifications);
    return;
  }
  MapReader r(d, node, top.KeyMark("notifications"), "notifications");
  std::string file;
  if (!r.FilePath("config_file", &file) || file.empty()) {
    r.Error("config_file", "must name a file");
    return;
  }
  for (const std::string& key : r.Keys()) {
    if (key != "config_file") {
      r.Get(key);
      r.Error(key, "cannot be set together with config_file");
    }
  }
  std::string text;
  if (std::string err = ReadWholeFile(file, &text); !err.empty()) {
    r.Error("config_file", "cannot read " + Quote(file) + ": " + err);
    return;
  }
  Decoder sub(file, DirName(file));
  YAML::Node root;
  out->notifications.emplace();
  out->notifications_file = file;
  if (ParseYaml(sub, text, &root)) {
    DecodeAlertmanagerConfig(sub, root, YAML::Mark(), "", &*out->notifications);
  }
  if (!sub.ok()) {
    YAML::Mark at = r.KeyMark("config_file");
    d.AddFormatted(sub.ErrorText(), at.line + 1, at.column + 1);
  }
}

Result<std::shared_ptr<const Config>> Parse(std::string_view text, std::string filename,
                                            std::string base_dir) {
  Decoder d(filename, base_dir);
  auto config = std::make_shared<Config>();
  config->source_file = std::move(filename);
  config->base_dir = std::move(base_dir);
  YAML::Node root;
  if (!ParseYaml(d, text, &root)) return ErrorsToStatus(d);

  MapReader top(d, root, YAML::Mark(), "");
  if (!top.is_map()) return ErrorsToStatus(d);
  top.Object("global", [&](MapReader& g) { DecodeGlobal(g, &config->global); });
  if (top.StringList("rule_files", &config->rule_files)) {
    for (std::string& f : config->rule_files) f = d.ResolvePath(f);
  }
  DecodeScrapeConfigs(top, config->global, &config->scrape_configs);
  top.Object("alerting", [&](MapReader& a) { DecodeAlerting(a, &config->alerting); });
  DecodeRemoteWrite(top, &config->remote_write);
  DecodeNotifications(top, config.get());
  top.Unsupported("remote_read", " (use remote_write to send samples elsewhere)");
  top.Unsupported("storage", " (set storage with command-line flags)");
  top.Unsupported("tracing");
  top.Unsupported("scrape_config_files");
  top.Done();
  if (!d.ok()) return ErrorsToStatus(d);
  return std::shared_ptr<const Config>(std::move(config));
}

Result<std::shared_ptr<const NotificationConfig>> ParseAlertmanager(std::string_view text,
                                                                    std::string filename) {
  Decoder d(filename, DirName(filename));
  YAML::Node root;
  if (!ParseYaml(d, text, &root)) return ErrorsToStatus(d);
  auto config = std::make_shared<NotificationConfig>();
  DecodeAlertmanagerConfig(d, root, YAML::Mark(), "", config.get());
  if (!d.ok()) return ErrorsToStatus(d);
  return std::shared_ptr<const NotificationConfig>(std::move(config));
}

Status ReadError(const std::string& path, const std::string& err) {
  return Status(StatusCode::kIoError, path + ": cannot read file: " + err);
}

}  // namespace
}  // namespace internal

Result<std::shared_ptr<const Config>> LoadConfigFile(const std::string& path) {
  std::string text;
  if (std::string err = internal::ReadWholeFile(path, &text); !err.empty()) {
    return internal::ReadError(path, err);
  }
  return internal::Parse(text, path, internal::DirName(path));
}

Result<std::shared_ptr<const Config>> ParseConfig(std::string_view yaml_text,
                                                  std::string_view filename) {
  return internal::Parse(yaml_text, std::string(filename), internal::DirName(filename));
}

Result<std::shared_ptr<const NotificationConfig>> LoadAlertmanagerConfigFile(
    const std::string& path) {
  std::string text;
  if (std::string err = internal::ReadWholeFile(path, &text); !err.empty()) {
    return internal::ReadError(path, err);
  }
  return internal::ParseAlertmanager(text, path);
}

Result<std::shared_ptr<const NotificationConfig>> ParseAlertmanagerConfig(
    std::string_view yaml_text, std::string_view filename) {
  return internal::ParseAlertmanager(yaml_text, std::string(filename));
}

}  // namespace vigil::config
