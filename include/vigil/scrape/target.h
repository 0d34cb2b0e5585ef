// Scrape targets as the rest of vigil sees them: what /api/v1/targets shows.
// Thread-safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/model/labels.h"

namespace vigil::scrape {

enum class TargetHealth { kUnknown, kUp, kDown };
std::string_view TargetHealthName(TargetHealth health);  // "unknown", "up", "down"

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
};

struct DroppedTarget {
  model::Labels discovered_labels;
  std::string scrape_pool;
};

}  // namespace vigil::scrape
