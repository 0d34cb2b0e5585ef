// The outbox: notifications that must reach a receiver integration, written
// to <dir>/outbox before the first attempt and removed once delivered (or
// given up), so a pending notification survives a crash or SIGKILL. At most
// one entry per group key and integration: a newer notification for the same
// group replaces an undelivered older one, as Alertmanager's next flush
// would.
// Thread-safety: none; the dispatcher serialises calls.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "record_log.h"
#include "vigil/base/result.h"
#include "vigil/notify/integration.h"

namespace vigil::notify {

struct OutboxEntry {
  std::string key;  // the notification log key (group key + integration)
  std::string id;   // this version of the entry
  std::string receiver;
  std::string integration;  // kind, e.g. "webhook"
  size_t integration_index = 0;
  Notification notification;
  std::vector<uint64_t> firing;  // what the notification log records on delivery
  std::vector<uint64_t> resolved;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  int64_t repeat_interval_ms = 0;
  // Not persisted: the retry schedule starts afresh after a restart.
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  bool in_flight = false;
};

class Outbox {
 public:
  static Result<std::unique_ptr<Outbox>> Open(const std::string& path);

  // Writes `entry` (replacing any entry with its key) durably.
  Status Put(OutboxEntry entry);
  // Removes the entry of `key` if it is still version `id`.
  Status Remove(const std::string& key, const std::string& id);
  OutboxEntry* Find(const std::string& key);
  std::map<std::string, OutboxEntry>& entries() { return entries_; }

 private:
  Status MaybeCompact();
  std::map<std::string, OutboxEntry> entries_;
  std::unique_ptr<RecordLog> log_;
};

}  // namespace vigil::notify
