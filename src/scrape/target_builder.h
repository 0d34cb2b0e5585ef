// Turns a discovered target (its __address__, __meta_* and group labels) into
// a scrape target, as Prometheus 2.42's populateLabels: job and scrape
// parameters as labels, relabel_configs, default port, instance label,
// internal labels removed.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "vigil/base/result.h"
#include "vigil/config/config.h"
#include "vigil/model/labels.h"

namespace vigil::scrape {

struct TargetSpec {
  model::Labels discovered;  // as discovered
  // As discovered plus the job's defaults (job, __scheme__, __metrics_path__,
  // __scrape_interval__, ...): what Prometheus shows as discoveredLabels.
  model::Labels discovered_with_defaults;
  model::Labels labels;      // final target labels, no "__" labels
  std::string scheme;
  std::string address;  // host:port
  std::string metrics_path;
  std::map<std::string, std::vector<std::string>> params;
  Duration interval{};
  Duration timeout{};

  std::string Url() const;
  // Identity of the target within its pool: labels and URL.
  uint64_t Hash() const;
};

// nullopt when relabeling drops the target (then *dropped_labels, when given,
// gets the labels to show for it); an error when the result is not
// scrapeable (no address, bad interval, ...), as Prometheus reports them.
Result<std::optional<TargetSpec>> BuildTarget(const model::Labels& discovered,
                                              const config::ScrapeConfig& cfg,
                                              model::Labels* dropped_labels = nullptr);

}  // namespace vigil::scrape
