// Scrape targets as the rest of vigil sees them: what /api/v1/targets shows.
// Thread-safety: plain values.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/model/labels.h"

namespace vigil::scrape {

enum class TargetHealth { kUnknown, kUp, kDown };
std::string_view TargetHealthName(TargetHealth health);  // "unknown", "up", "down"

// A metric family's TYPE, HELP and UNIT as the target last exposed them;
// `type` as Prometheus names it ("counter", "gauge", "histogram",
// "gaugehistogram", "summary", "info", "stateset", "unknown").
struct MetricMetadata {
  std::string type = "unknown";
  std::string help;
  std::string unit;
  bool operator==(const MetricMetadata&) const = default;
};
// By metric family name.
using MetadataByFamily = std::map<std::string, MetricMetadata, std::less<>>;

struct TargetStatus {
  model::Labels discovered_labels;  // before relabeling
  model::Labels labels;             // the target's labels, attached to its samples
  std::string scrape_pool;          // the job
  std::string scrape_url;
  TargetHealth health = TargetHealth::kUnknown;
  std::string last_error;
  TimestampMs last_scrape = 0;  // 0: never scraped
  double last_scrape_duration_seconds = 0;
  uint64_t last_samples = 0;
  // Semantic exposition violations (ingested as Prometheus does) in the last scrape.
  uint64_t last_exposition_violations = 0;
  Duration scrape_interval{};
  Duration scrape_timeout{};
  // From the last successful scrape; null before one.
  std::shared_ptr<const MetadataByFamily> metadata;
};

struct DroppedTarget {
  model::Labels discovered_labels;
  std::string scrape_pool;
};

}  // namespace vigil::scrape
