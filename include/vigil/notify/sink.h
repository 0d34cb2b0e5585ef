// notify::Sink — the seam between rules and notifications: the rules manager
// hands the alerts it wants sent (firing ones every resend delay, resolved
// ones for a while after they resolve) to a Sink. Implementations: the
// in-process dispatcher and the forwarder to external Alertmanagers.
// Thread-safety: Send may be called from any thread and must not block on I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigil/model/labels.h"

namespace vigil::notify {

// An alert as Alertmanager's API v2 takes it (postableAlert).
struct Alert {
  model::Labels labels;       // includes alertname
  model::Labels annotations;  // names are label names; values any text
  int64_t starts_at_ms = 0;
  // When the alert stops being firing: the resolve time for a resolved
  // alert, or "valid until" (evaluation time + 4 × resend delay) for a firing
  // one. 0: unset (the receiver applies its resolve_timeout).
  int64_t ends_at_ms = 0;
  std::string generator_url;

  // Resolved at `now_ms` when it has an end time not after now.
  bool ResolvedAt(int64_t now_ms) const { return ends_at_ms != 0 && ends_at_ms <= now_ms; }
};

class Sink {
 public:
  virtual ~Sink() = default;
  // Queues the batch and returns.
  virtual void Send(std::vector<Alert> alerts) = 0;
};

}  // namespace vigil::notify
