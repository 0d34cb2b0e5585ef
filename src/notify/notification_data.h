// What Alertmanager derives from one notification before rendering it: the
// status of the group and of each alert, alert fingerprints, common labels
// and annotations, and Go's time formats. Shared by the template data and the
// webhook / forwarder JSON.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/model/labels.h"
#include "vigil/notify/integration.h"

namespace vigil::notify {

// One alert as a receiver sees it at the notification's time.
struct AlertView {
  const Alert* alert = nullptr;
  bool firing = true;
  // As Alertmanager's aggregation group hands alerts over: 0 (Go's zero time)
  // for a firing alert, the resolve time for a resolved one.
  int64_t ends_at_ms = 0;
  std::string fingerprint;  // 16 hex digits

  std::string_view status() const { return firing ? "firing" : "resolved"; }
};

struct NotificationView {
  std::string receiver;  // regexp.QuoteMeta'd, as Alertmanager's template.Data
  bool firing = false;   // any alert firing
  std::vector<AlertView> alerts;
  model::Labels common_labels;
  model::Labels common_annotations;

  std::string_view status() const { return firing ? "firing" : "resolved"; }
};

NotificationView ViewOf(const Notification& n);

// Prometheus's model.LabelSet.Fingerprint (FNV-1a 64 of sorted pairs) as %016x.
std::string AlertFingerprint(const model::Labels& labels);

// Go's time formats of a UTC time in milliseconds; 0 is Go's zero time.
std::string FormatRfc3339Nano(int64_t ms);  // JSON: 2024-01-02T03:04:05.123Z
std::string FormatGoTimeString(int64_t ms);  // time.String(): 2024-01-02 03:04:05.123 +0000 UTC

// Go's regexp.QuoteMeta.
std::string QuoteMeta(std::string_view s);

}  // namespace vigil::notify
