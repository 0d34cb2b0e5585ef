// Silences: Alertmanager's silences — matchers that mute the alerts they
// match between startsAt and endsAt — created, updated and expired through
// the API v2, kept on disk in the data dir (<dir>/silences) so they survive a
// restart, and dropped `retention` after they expired (Alertmanager's
// --data.retention, 120h).
//
// Semantics follow Alertmanager 0.25: a silence is pending before startsAt,
// active until endsAt, then expired. Set with the id of an existing silence
// updates it in place when only its times/comment change in a way that keeps
// its history true (same matchers; an active one keeps its startsAt); else
// the old one is expired and a new one (new id) is created.
// Thread-safety: every method may be called from any thread. Set, Expire and
// GarbageCollect write to disk (fdatasync): call them off the event loop.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/model/labels.h"
#include "vigil/model/matcher.h"

namespace vigil::metrics {
class Registry;
class Gauge;
template <typename M>
class Family;
}  // namespace vigil::metrics

namespace vigil::notify {

class RecordLog;

enum class SilenceState { kPending, kActive, kExpired };
std::string_view SilenceStateName(SilenceState state);  // "pending", "active", "expired"

struct Silence {
  std::string id;  // empty: create a new silence
  std::vector<model::Matcher> matchers;
  int64_t starts_at_ms = 0;
  int64_t ends_at_ms = 0;
  int64_t updated_at_ms = 0;  // set by Silences
  std::string created_by;
  std::string comment;

  SilenceState StateAt(int64_t now_ms) const;
  // Every matcher matches `labels` (a missing label has the value "").
  bool Matches(const model::Labels& labels) const;
};

struct SilencesOptions {
  std::string dir;  // the file is <dir>/silences
  const Clock* clock = nullptr;
  Duration retention = std::chrono::hours(120);
  metrics::Registry* registry = nullptr;  // optional: vigil_silences{state}
};

class Silences {
 public:
  static Result<std::unique_ptr<Silences>> Open(SilencesOptions options);
  ~Silences();

  // Creates or updates a silence; returns its id. Invalid silences (no
  // matcher, only matchers that match the empty string, endsAt not after
  // startsAt, endsAt in the past) are refused with kInvalidArgument.
  Result<std::string> Set(Silence silence);
  // Ends a pending or active silence now. kNotFound for an unknown id,
  // kFailedPrecondition for an expired one.
  Status Expire(std::string_view id);
  Result<Silence> Get(std::string_view id) const;
  std::vector<Silence> List() const;
  // Ids of the silences active now that match `labels`.
  std::vector<std::string> Mutes(const model::Labels& labels) const;
  // Forgets silences expired longer than the retention ago and compacts the
  // file.
  Status GarbageCollect();
  // Sets vigil_silences{state} (states change with time, so the owner of
  // the clock calls this now and then).
  void RefreshMetrics() const;

 private:
  explicit Silences(SilencesOptions options);
  Status Persist(const Silence& s);  // mu_ held
  Status Validate(const Silence& s, int64_t now) const;

  const SilencesOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Silence> silences_;  // by id; guarded by mu_
  std::unique_ptr<RecordLog> log_;                     // guarded by mu_
  metrics::Family<metrics::Gauge>* by_state_ = nullptr;
};

// A random (version 4) UUID, as Alertmanager names silences.
std::string NewUuid();

}  // namespace vigil::notify
