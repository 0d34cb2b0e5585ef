#include "target_builder.h"

#include <xxhash.h>


#include "vigil/base/url_escape.h"
#include "vigil/relabel/relabel.h"

namespace vigil::scrape {
namespace {

constexpr std::string_view kAddress = "__address__";
constexpr std::string_view kScheme = "__scheme__";
constexpr std::string_view kMetricsPath = "__metrics_path__";
constexpr std::string_view kInterval = "__scrape_interval__";
constexpr std::string_view kTimeout = "__scrape_timeout__";
constexpr std::string_view kParamPrefix = "__param_";

bool HasPort(std::string_view addr) {
  if (!addr.empty() && addr.front() == '[') {
    size_t close = addr.find(']');
    return close != std::string_view::npos && close + 1 < addr.size() && addr[close + 1] == ':';
  }
  return addr.find(':') != std::string_view::npos;
}

}  // namespace

std::string TargetSpec::Url() const {
  std::string url = scheme + "://" + address + metrics_path;
  char sep = metrics_path.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, values] : params) {
    for (const std::string& v : values) {
      url += sep;
      url += QueryEscape(name) + "=" + QueryEscape(v);
      sep = '&';
    }
  }
  return url;
}

uint64_t TargetSpec::Hash() const {
  std::string key = labels.encoded();
  key += '\xff';
  key += Url();
  return XXH3_64bits(key.data(), key.size());
}

Result<std::optional<TargetSpec>> BuildTarget(const model::Labels& discovered,
                                              const config::ScrapeConfig& cfg,
                                              model::Labels* dropped_labels) {
  model::LabelsBuilder b(discovered);
  // Scrape parameters become labels unless discovery already set them.
  auto set_default = [&b](std::string_view name, std::string_view value) {
    if (b.Get(name).empty()) b.Set(name, value);
  };
  set_default("job", cfg.job_name);
  set_default(kInterval, FormatDuration(cfg.scrape_interval));
  set_default(kTimeout, FormatDuration(cfg.scrape_timeout));
  set_default(kMetricsPath, cfg.metrics_path);
  set_default(kScheme, cfg.scheme);
  for (const auto& [name, values] : cfg.params) {
    if (!values.empty()) set_default(std::string(kParamPrefix) + name, values.front());
  }

  model::Labels with_defaults = b.Build();
  if (!relabel::ProcessBuilder(&b, cfg.relabel_configs)) {
    if (dropped_labels != nullptr) *dropped_labels = std::move(with_defaults);
    return std::optional<TargetSpec>();
  }

  TargetSpec spec;
  spec.discovered = discovered;
  spec.discovered_with_defaults = std::move(with_defaults);
  std::string address(b.Get(kAddress));
  if (address.empty()) return InvalidArgument("no address");
  spec.scheme = std::string(b.Get(kScheme));
  if (spec.scheme != "http" && spec.scheme != "https") {
    return InvalidArgument("invalid scheme \"" + spec.scheme + "\"");
  }
  // Prometheus 2.x adds the scheme's default port when none is given.
  if (!HasPort(address)) {
    address += spec.scheme == "https" ? ":443" : ":80";
    b.Set(kAddress, address);
  }
  if (address.find_first_of("/?#@ ") != std::string::npos) {
    return InvalidArgument("invalid address \"" + address + "\"");
  }
  spec.address = address;
  spec.metrics_path = std::string(b.Get(kMetricsPath));

  Result<Duration> interval = ParseDuration(b.Get(kInterval));
  if (!interval.ok() || interval->count() == 0) {
    return InvalidArgument("error parsing scrape interval: " + std::string(b.Get(kInterval)));
  }
  Result<Duration> timeout = ParseDuration(b.Get(kTimeout));
  if (!timeout.ok() || timeout->count() == 0) {
    return InvalidArgument("error parsing scrape timeout: " + std::string(b.Get(kTimeout)));
  }
  if (*timeout > *interval) {
    return InvalidArgument("scrape timeout cannot be greater than scrape interval (\"" +
                           FormatDuration(*timeout) + "\" > \"" + FormatDuration(*interval) +
                           "\")");
  }
  spec.interval = *interval;
  spec.timeout = *timeout;

  // Query parameters: the config's, overridden by __param_* labels.
  spec.params = cfg.params;
  model::Labels relabeled = b.Build();
  for (const model::Label& l : relabeled) {
    if (l.name.substr(0, kParamPrefix.size()) == kParamPrefix) {
      spec.params[std::string(l.name.substr(kParamPrefix.size()))] = {std::string(l.value)};
    }
  }

  // The target's labels: no internal ("__") labels; instance defaults to the address.
  model::LabelsBuilder out;
  for (const model::Label& l : relabeled) {
    if (l.name.substr(0, 2) != "__") out.Set(l.name, l.value);
  }
  if (out.Get("instance").empty()) out.Set("instance", address);
  spec.labels = out.Build();
  return std::optional<TargetSpec>(std::move(spec));
}

}  // namespace vigil::scrape
