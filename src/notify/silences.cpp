#include "vigil/notify/silences.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "record_log.h"
#include "state_json.h"
#include "vigil/base/log.h"
#include "vigil/base/metrics.h"

namespace vigil::notify {

std::string_view SilenceStateName(SilenceState state) {
  switch (state) {
    case SilenceState::kPending:
      return "pending";
    case SilenceState::kActive:
      return "active";
    case SilenceState::kExpired:
      return "expired";
  }
  return "expired";
}

SilenceState Silence::StateAt(int64_t now_ms) const {
  if (ends_at_ms <= now_ms) return SilenceState::kExpired;
  if (starts_at_ms > now_ms) return SilenceState::kPending;
  return SilenceState::kActive;
}

bool Silence::Matches(const model::Labels& labels) const {
  for (const model::Matcher& m : matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return !matchers.empty();
}

std::string NewUuid() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & ~0xf000ull) | 0x4000ull;                  // version 4
  lo = (lo & ~(0xc000ull << 48)) | (0x8000ull << 48);  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffull));
  return buf;
}

Silences::Silences(SilencesOptions options) : options_(std::move(options)) {}
Silences::~Silences() = default;

Result<std::unique_ptr<Silences>> Silences::Open(SilencesOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return IoError("cannot create " + options.dir + ": " + ec.message());
  std::unique_ptr<Silences> s(new Silences(options));
  std::string path = (std::filesystem::path(options.dir) / "silences").string();
  size_t bad = 0;
  VIGIL_ASSIGN_OR_RETURN(s->log_, RecordLog::Open(path, [&](std::string_view record) {
                           nlohmann::json j = nlohmann::json::parse(record, nullptr, false);
                           Result<Silence> silence = SilenceFromJson(j);
                           if (!silence.ok()) {
                             ++bad;
                             return;
                           }
                           std::string id = silence->id;
                           s->silences_.insert_or_assign(std::move(id), std::move(*silence));
                         }));
  if (bad > 0) log::Warn("Skipped unreadable silences", {{"file", path}, {"count", bad}});
  VIGIL_RETURN_IF_ERROR(s->GarbageCollect());
  if (options.registry != nullptr) {
    s->by_state_ = &options.registry->AddGaugeFamily("vigil_silences",
                                                     "How many silences by state.", {"state"});
  }
  s->RefreshMetrics();
  return s;
}

Status Silences::Validate(const Silence& s, int64_t now) const {
  if (s.matchers.empty()) return InvalidArgument("silence has no matchers");
  bool all_match_empty = true;
  for (const model::Matcher& m : s.matchers) {
    if (!model::IsValidLabelName(m.name())) {
      return InvalidArgument("invalid label name \"" + m.name() + "\" in matcher");
    }
    if (!m.Matches("")) all_match_empty = false;
  }
  if (all_match_empty) {
    return InvalidArgument("at least one matcher must not match the empty string");
  }
  if (s.ends_at_ms <= s.starts_at_ms) {
    return InvalidArgument("start time must be before end time");
  }
  if (s.ends_at_ms < now) return InvalidArgument("end time can't be in the past");
  return Status::Ok();
}

namespace {

bool SameMatchers(const Silence& a, const Silence& b) {
  if (a.matchers.size() != b.matchers.size()) return false;
  for (size_t i = 0; i < a.matchers.size(); ++i) {
    const model::Matcher& x = a.matchers[i];
    const model::Matcher& y = b.matchers[i];
    if (x.type() != y.type() || x.name() != y.name() || x.value() != y.value()) return false;
  }
  return true;
}

// Alertmanager's canUpdate: an update in place must not rewrite history.
bool CanUpdate(const Silence& old, const Silence& next, int64_t now) {
  if (!SameMatchers(old, next)) return false;
  switch (old.StateAt(now)) {
    case SilenceState::kActive:
      return next.starts_at_ms == old.starts_at_ms && next.ends_at_ms >= now;
    case SilenceState::kPending:
      return next.starts_at_ms >= now;
    case SilenceState::kExpired:
      return false;
  }
  return false;
}

}  // namespace

Status Silences::Persist(const Silence& s) {
  Status st = log_->Append(SilenceToJson(s).dump());
  if (!st.ok()) log::Error("Cannot persist a silence", {{"id", s.id}, {"err", st.message()}});
  return st;
}

Result<std::string> Silences::Set(Silence silence) {
  int64_t now = options_.clock->Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (!silence.id.empty()) {
    auto it = silences_.find(silence.id);
    if (it == silences_.end()) return NotFound("silence " + silence.id + " not found");
    Silence& old = it->second;
    VIGIL_RETURN_IF_ERROR(Validate(silence, now));
    if (CanUpdate(old, silence, now)) {
      silence.updated_at_ms = now;
      VIGIL_RETURN_IF_ERROR(Persist(silence));
      old = silence;
      return silence.id;
    }
    if (old.StateAt(now) != SilenceState::kExpired) {
      Silence expired = old;
      if (expired.StateAt(now) == SilenceState::kPending) expired.starts_at_ms = now;
      expired.ends_at_ms = now;
      expired.updated_at_ms = now;
      VIGIL_RETURN_IF_ERROR(Persist(expired));
      old = std::move(expired);
    }
  } else {
    VIGIL_RETURN_IF_ERROR(Validate(silence, now));
  }
  silence.id = NewUuid();
  if (silence.starts_at_ms < now) silence.starts_at_ms = now;
  silence.updated_at_ms = now;
  VIGIL_RETURN_IF_ERROR(Persist(silence));
  std::string id = silence.id;
  silences_.emplace(id, std::move(silence));
  return id;
}

Status Silences::Expire(std::string_view id) {
  int64_t now = options_.clock->Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = silences_.find(std::string(id));
  if (it == silences_.end()) return NotFound("silence " + std::string(id) + " not found");
  Silence s = it->second;
  switch (s.StateAt(now)) {
    case SilenceState::kExpired:
      return FailedPrecondition("silence " + std::string(id) + " already expired");
    case SilenceState::kPending:
      s.starts_at_ms = now;
      break;
    case SilenceState::kActive:
      break;
  }
  s.ends_at_ms = now;
  s.updated_at_ms = now;
  VIGIL_RETURN_IF_ERROR(Persist(s));
  it->second = std::move(s);
  return Status::Ok();
}

Result<Silence> Silences::Get(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = silences_.find(std::string(id));
  if (it == silences_.end()) return NotFound("silence " + std::string(id) + " not found");
  return it->second;
}

std::vector<Silence> Silences::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Silence> out;
  out.reserve(silences_.size());
  for (const auto& [id, s] : silences_) out.push_back(s);
  std::sort(out.begin(), out.end(), [](const Silence& a, const Silence& b) { return a.id < b.id; });
  return out;
}

std::vector<std::string> Silences::Mutes(const model::Labels& labels) const {
  int64_t now = options_.clock->Now();
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, s] : silences_) {
    if (s.StateAt(now) == SilenceState::kActive && s.Matches(labels)) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

void Silences::RefreshMetrics() const {
  if (by_state_ == nullptr) return;
  int64_t now = options_.clock->Now();
  double counts[3] = {0, 0, 0};
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, s] : silences_) ++counts[static_cast<int>(s.StateAt(now))];
  }
  for (SilenceState st : {SilenceState::kPending, SilenceState::kActive, SilenceState::kExpired}) {
    by_state_->With({std::string(SilenceStateName(st))}).Set(counts[static_cast<int>(st)]);
  }
}

Status Silences::GarbageCollect() {
  int64_t cutoff = options_.clock->Now() - options_.retention.count();
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(silences_,
                [cutoff](const auto& entry) { return entry.second.ends_at_ms < cutoff; });
  std::vector<std::string> records;
  records.reserve(silences_.size());
  for (const auto& [id, s] : silences_) records.push_back(SilenceToJson(s).dump());
  return log_->Rewrite(records);
}

}  // namespace vigil::notify
