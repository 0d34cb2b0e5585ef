#include "notification_log.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "vigil/base/log.h"

namespace vigil::notify {
namespace {

using nlohmann::json;

std::string Encode(const std::string& key, const NflogEntry& e) {
  return json{{"key", key},
              {"firing", e.firing},
              {"resolved", e.resolved},
              {"timestamp", e.timestamp_ms},
              {"expires", e.expires_ms}}
      .dump();
}

bool IsSubset(const std::vector<uint64_t>& set, const std::vector<uint64_t>& subset) {
  return std::includes(set.begin(), set.end(), subset.begin(), subset.end());
}

}  // namespace

Result<std::unique_ptr<NotificationLog>> NotificationLog::Open(const std::string& path,
                                                               int64_t now_ms) {
  auto nflog = std::make_unique<NotificationLog>();
  size_t bad = 0;
  VIGIL_ASSIGN_OR_RETURN(nflog->log_, RecordLog::Open(path, [&](std::string_view record) {
                           json j = json::parse(record, nullptr, false);
                           if (!j.is_object() || !j.contains("key")) {
                             ++bad;
                             return;
                           }
                           NflogEntry e;
                           try {
                             e.firing = j.at("firing").get<std::vector<uint64_t>>();
                             e.resolved = j.at("resolved").get<std::vector<uint64_t>>();
                             e.timestamp_ms = j.at("timestamp").get<int64_t>();
                             e.expires_ms = j.at("expires").get<int64_t>();
                           } catch (const json::exception&) {
                             ++bad;
                             return;
                           }
                           nflog->entries_[j["key"].get<std::string>()] = std::move(e);
                         }));
  if (bad > 0)
    log::Warn("Skipped unreadable notification log entries", {{"file", path}, {"count", bad}});
  VIGIL_RETURN_IF_ERROR(nflog->GarbageCollect(now_ms));
  return nflog;
}

const NflogEntry* NotificationLog::Get(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

Status NotificationLog::Log(const std::string& key, NflogEntry entry) {
  VIGIL_RETURN_IF_ERROR(log_->Append(Encode(key, entry)));
  entries_[key] = std::move(entry);
  return Status::Ok();
}

Status NotificationLog::GarbageCollect(int64_t now_ms) {
  std::erase_if(entries_, [now_ms](const auto& e) { return e.second.expires_ms <= now_ms; });
  std::vector<std::string> records;
  records.reserve(entries_.size());
  for (const auto& [key, e] : entries_) records.push_back(Encode(key, e));
  return log_->Rewrite(records);
}

bool NeedsUpdate(const NflogEntry* entry, const std::vector<uint64_t>& firing,
                 const std::vector<uint64_t>& resolved, bool send_resolved,
                 int64_t repeat_interval_ms, int64_t now_ms) {
  if (entry == nullptr) return !firing.empty();
  if (!IsSubset(entry->firing, firing)) return true;
  // Everything resolved: notify, whatever send_resolved says, so the next
  // firing starts afresh.
  if (firing.empty()) return !entry->firing.empty();
  if (send_resolved && !IsSubset(entry->resolved, resolved)) return true;
  return entry->timestamp_ms < now_ms - repeat_interval_ms;
}

}  // namespace vigil::notify
