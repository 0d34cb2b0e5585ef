// `global` and `scrape_configs`, with Prometheus 2.42's defaults, inheritance
// and checks (config/config.go).
#include <cmath>
#include <limits>
#include <map>

#include "internal.h"

namespace vigil::config::internal {
namespace {

constexpr std::string_view kSdSuffix = "_sd_configs";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Prometheus's file_sd pattern check: ^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$
bool IsValidFileSdPattern(std::string_view p) {
  static constexpr std::string_view kExts[] = {".json", ".yml", ".yaml", ".JSON", ".YML", ".YAML"};
  bool ext_ok = false;
  for (std::string_view ext : kExts) ext_ok = ext_ok || (p.size() > ext.size() && EndsWith(p, ext));
  if (!ext_ok) return false;
  size_t star = p.find('*');
  return star == std::string_view::npos || p.substr(star).find('/') == std::string_view::npos;
}

void DecodeStaticConfig(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                        const std::string& path, StaticConfig* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  r.StringList("targets", &out->targets);
  r.LabelMap("labels", &out->labels);
  r.Done();
}

void DecodeFileSdConfig(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                        const std::string& path, FileSdConfig* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  std::vector<std::string> files;
  if (r.StringList("files", &files)) {
    const YAML::Node list = r.Get("files");
    for (size_t i = 0; i < files.size(); ++i) {
      if (!IsValidFileSdPattern(files[i])) {
        d.Error(list[i].Mark(), r.KeyPath("files") + "[" + std::to_string(i) + "]",
                "path name " + Quote(files[i]) +
                    " is not valid for file discovery (want *.json, *.yml or *.yaml, with a "
                    "glob only in the file name)");
      }
      out->files.push_back(d.ResolvePath(files[i]));
    }
  }
  r.Duration("refresh_interval", &out->refresh_interval);
  r.Done();
}

// Prometheus's checkStaticTargets: a target is host:port, not a URL.
void CheckStaticTargets(MapReader& r, const std::vector<StaticConfig>& configs) {
  const YAML::Node list = r.Get("static_configs");
  for (size_t i = 0; i < configs.size(); ++i) {
    for (const std::string& target : configs[i].targets) {
      if (target.find('/') != std::string::npos) {
        r.decoder().Error(list[i].Mark(),
                          r.KeyPath("static_configs") + "[" + std::to_string(i) + "]",
                          Quote(target) +
                              " is not a valid hostname (a target is host:port; set "
                              "scheme and metrics_path separately)");
      }
    }
  }
}

void DecodeScrapeConfig(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                        const std::string& path, const GlobalConfig& global, ScrapeConfig* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  if (r.Required("job_name")) r.String("job_name", &out->job_name);
  r.Bool("honor_labels", &out->honor_labels);
  r.Bool("honor_timestamps", &out->honor_timestamps);
  r.Object("params", [&](MapReader& p) {
    for (const std::string& k : p.Keys()) p.StringList(k, &out->params[k]);
  });
  bool interval_set = r.Duration("scrape_interval", &out->scrape_interval);
  bool timeout_set = r.Duration("scrape_timeout", &out->scrape_timeout);
  r.String("metrics_path", &out->metrics_path);
  if (r.String("scheme", &out->scheme) && out->scheme != "http" && out->scheme != "https") {
    r.Error("scheme", "scheme must be \"http\" or \"https\", got " + Quote(out->scheme));
  }
  std::string body_size;
  if (r.String("body_size_limit", &body_size)) {
    if (std::string err = ParseBase2Bytes(body_size, &out->body_size_limit); !err.empty()) {
      r.Error("body_size_limit", err);
    }
  }
  r.Uint("sample_limit", &out->sample_limit);
  r.Uint("target_limit", &out->target_limit);
  r.Uint("label_limit", &out->label_limit);
  r.Uint("label_name_length_limit", &out->label_name_length_limit);
  r.Uint("label_value_length_limit", &out->label_value_length_limit);
  DecodeHttpClient(r, &out->http);
  DecodeServiceDiscovery(r, &out->static_configs, &out->file_sd_configs);
  DecodeRelabelConfigs(r, "relabel_configs", &out->relabel_configs);
  DecodeRelabelConfigs(r, "metric_relabel_configs", &out->metric_relabel_configs);
  r.Bool("strict", &out->strict);
  r.Done();

  if (out->relabel_configs.empty()) CheckStaticTargets(r, out->static_configs);
  // Inherit from global, then check, as Prometheus does.
  if (!interval_set || out->scrape_interval.count() == 0) {
    out->scrape_interval = global.scrape_interval;
  }
  if (timeout_set && out->scrape_timeout > out->scrape_interval) {
    r.Error("scrape_timeout",
            "scrape timeout greater than scrape interval for scrape config "
            "with job name " +
                Quote(out->job_name) + " (" + FormatDuration(out->scrape_timeout) + " > " +
                FormatDuration(out->scrape_interval) + ")");
  }
  if (!timeout_set || out->scrape_timeout.count() == 0) {
    out->scrape_timeout = std::min(global.scrape_timeout, out->scrape_interval);
  }
}

}  // namespace

std::string ParseBase2Bytes(std::string_view text, int64_t* out) {
  static const std::map<std::string_view, int64_t> kUnits = {
      {"B", 1},           {"KB", 1LL << 10},  {"MB", 1LL << 20},  {"GB", 1LL << 30},
      {"TB", 1LL << 40},  {"PB", 1LL << 50},  {"EB", 1LL << 60},  {"KiB", 1LL << 10},
      {"MiB", 1LL << 20}, {"GiB", 1LL << 30}, {"TiB", 1LL << 40}, {"PiB", 1LL << 50},
      {"EiB", 1LL << 60},
  };
  const std::string bad = "not a valid size: " + Quote(text) +
                          " (a number and a unit: B, KB, MB, GB, TB, PB, EB, base 2)";
  if (text == "0") {
    *out = 0;
    return "";
  }
  if (text.empty()) return bad;
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    std::string number(text.substr(start, i - start));
    if (number.empty() || number == "." || number.find('.') != number.rfind('.')) return bad;
    size_t unit_start = i;
    while (i < text.size() && !((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    auto unit = kUnits.find(text.substr(unit_start, i - unit_start));
    if (unit == kUnits.end()) return bad;
    total += std::stod(number) * static_cast<double>(unit->second);
  }
  if (total >= static_cast<double>(std::numeric_limits<int64_t>::max())) {
    return "size out of range: " + Quote(text);
  }
  *out = static_cast<int64_t>(total);
  return "";
}

void DecodeServiceDiscovery(MapReader& r, std::vector<StaticConfig>* static_configs,
                            std::vector<FileSdConfig>* file_sd_configs) {
  Decoder& d = r.decoder();
  r.List("static_configs", static_configs,
         [&d](const YAML::Node& n, const YAML::Mark& m, const std::string& p, StaticConfig* c) {
           DecodeStaticConfig(d, n, m, p, c);
         });
  r.List("file_sd_configs", file_sd_configs,
         [&d](const YAML::Node& n, const YAML::Mark& m, const std::string& p, FileSdConfig* c) {
           DecodeFileSdConfig(d, n, m, p, c);
         });
  for (const std::string& key : r.Keys()) {
    if (EndsWith(key, kSdSuffix) && key != "file_sd_configs") {
      r.Unsupported(key, " (vigil discovers targets with static_configs and file_sd_configs only)");
    }
  }
}

void DecodeGlobal(MapReader& r, GlobalConfig* out) {
  bool interval_set = r.Duration("scrape_interval", &out->scrape_interval);
  bool timeout_set = r.Duration("scrape_timeout", &out->scrape_timeout);
  r.Duration("evaluation_interval", &out->evaluation_interval);
  r.LabelMap("external_labels", &out->external_labels);
  r.Unsupported("query_log_file");
  r.Done();
  const GlobalConfig defaults;
  if (!interval_set || out->scrape_interval.count() == 0) {
    out->scrape_interval = defaults.scrape_interval;
  }
  if (timeout_set && out->scrape_timeout > out->scrape_interval) {
    r.Error("scrape_timeout", "global scrape timeout greater than scrape interval (" +
                                  FormatDuration(out->scrape_timeout) + " > " +
                                  FormatDuration(out->scrape_interval) + ")");
  }
  if (!timeout_set || out->scrape_timeout.count() == 0) {
    out->scrape_timeout = std::min(defaults.scrape_timeout, out->scrape_interval);
  }
  if (out->evaluation_interval.count() == 0)
    out->evaluation_interval = defaults.evaluation_interval;
}

void DecodeScrapeConfigs(MapReader& r, const GlobalConfig& global, std::vector<ScrapeConfig>* out) {
  r.List("scrape_configs", out,
         [&](const YAML::Node& n, const YAML::Mark& m, const std::string& p, ScrapeConfig* c) {
           DecodeScrapeConfig(r.decoder(), n, m, p, global, c);
         });
  // Job names are unique.
  const YAML::Node list = r.Get("scrape_configs");
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < out->size(); ++i) {
    const std::string& job = (*out)[i].job_name;
    if (job.empty()) continue;
    auto [it, inserted] = seen.emplace(job, i);
    if (!inserted) {
      r.decoder().Error(KeyMarkOf(list[i], "job_name"),
                        r.KeyPath("scrape_configs") + "[" + std::to_string(i) + "].job_name",
                        "found multiple scrape configs with job name " + Quote(job) +
                            " (first at line " +
                            std::to_string(KeyMarkOf(list[it->second], "job_name").line + 1) + ")");
    }
  }
}

}  // namespace vigil::config::internal
