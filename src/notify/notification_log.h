// The notification log: what was last delivered for each aggregation group
// to each receiver integration (firing and resolved alert fingerprints and
// when), kept in <dir>/nflog so a restart does not re-send what was already
// delivered within repeat_interval. Alertmanager's nflog, without gossip.
// Thread-safety: none; the dispatcher serialises calls.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "record_log.h"
#include "vigil/base/result.h"

namespace vigil::notify {

struct NflogEntry {
  std::vector<uint64_t> firing;    // sorted fingerprints
  std::vector<uint64_t> resolved;  // sorted fingerprints
  int64_t timestamp_ms = 0;
  int64_t expires_ms = 0;
};

class NotificationLog {
 public:
  static Result<std::unique_ptr<NotificationLog>> Open(const std::string& path, int64_t now_ms);

  // Null when nothing was logged for `key`.
  const NflogEntry* Get(const std::string& key) const;
  Status Log(const std::string& key, NflogEntry entry);
  // Forgets expired entries and compacts the file.
  Status GarbageCollect(int64_t now_ms);
  size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, NflogEntry> entries_;
  std::unique_ptr<RecordLog> log_;
};

// Alertmanager's DedupStage decision: notify when there was no notification
// and something fires, when an alert fires that was not in the last
// notification, when everything resolved after something fired, when
// resolved alerts changed and the integration sends resolved ones, or when
// repeat_interval passed since the last one. `firing`/`resolved` sorted.
bool NeedsUpdate(const NflogEntry* entry, const std::vector<uint64_t>& firing,
                 const std::vector<uint64_t>& resolved, bool send_resolved,
                 int64_t repeat_interval_ms, int64_t now_ms);

}  // namespace vigil::notify
