#include "api_targets.h"

#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>

namespace vigil::app {
namespace {

nlohmann::ordered_json LabelsJson(const model::Labels& labels) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const model::Label& l : labels) out[std::string(l.name)] = std::string(l.value);
  return out;
}

}  // namespace

std::string Rfc3339(TimestampMs t) {
  if (t == 0) return "0001-01-01T00:00:00Z";
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  int ms = static_cast<int>(t % 1000);
  if (ms != 0) {
    // Go trims trailing zeros of the fraction.
    char frac[8];
    std::snprintf(frac, sizeof(frac), ".%03d", ms);
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    n += static_cast<size_t>(std::snprintf(buf + n, sizeof(buf) - n, "%s", f.c_str()));
  }
  std::snprintf(buf + n, sizeof(buf) - n, "Z");
  return buf;
}

std::string TargetsJson(const std::vector<scrape::TargetStatus>& active,
                        const std::vector<scrape::DroppedTarget>& dropped, std::string_view state,
                        std::string_view scrape_pool) {
  // As Prometheus: the state is trimmed and lower-cased; a list not asked
  // for (or an unknown state) is null.
  std::string s;
  for (char c : state) {
    if (c != ' ' && c != '\t') s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const bool want_active = s.empty() || s == "any" || s == "active";
  const bool want_dropped = s.empty() || s == "any" || s == "dropped";
  nlohmann::ordered_json data = {{"activeTargets", nullptr}, {"droppedTargets", nullptr}};
  if (want_active) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const scrape::TargetStatus& t : active) {
      if (!scrape_pool.empty() && t.scrape_pool != scrape_pool) continue;
      list.push_back({{"discoveredLabels", LabelsJson(t.discovered_labels)},
                      {"labels", LabelsJson(t.labels)},
                      {"scrapePool", t.scrape_pool},
                      {"scrapeUrl", t.scrape_url},
                      {"globalUrl", t.scrape_url},
                      {"lastError", t.last_error},
                      {"lastScrape", Rfc3339(t.last_scrape)},
                      {"lastScrapeDuration", t.last_scrape_duration_seconds},
                      {"health", scrape::TargetHealthName(t.health)},
                      {"scrapeInterval", FormatDuration(t.scrape_interval)},
                      {"scrapeTimeout", FormatDuration(t.scrape_timeout)},
                      {"expositionViolations", t.last_exposition_violations}});
    }
    data["activeTargets"] = std::move(list);
  }
  if (want_dropped) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const scrape::DroppedTarget& t : dropped) {
      if (!scrape_pool.empty() && t.scrape_pool != scrape_pool) continue;
      list.push_back({{"discoveredLabels", LabelsJson(t.discovered_labels)}});
    }
    data["droppedTargets"] = std::move(list);
  }
  nlohmann::ordered_json body = {{"status", "success"}, {"data", std::move(data)}};
  return body.dump();
}

}  // namespace vigil::app
