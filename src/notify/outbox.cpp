#include "outbox.h"

#include <nlohmann/json.hpp>

#include "state_json.h"
#include "vigil/base/log.h"

namespace vigil::notify {
namespace {

using nlohmann::json;

std::string EncodePut(const OutboxEntry& e) {
  json alerts = json::array();
  for (const Alert& a : e.notification.alerts) alerts.push_back(AlertToJson(a));
  const Notification& n = e.notification;
  return json{{"op", "put"},
              {"key", e.key},
              {"id", e.id},
              {"receiver", e.receiver},
              {"integration", e.integration},
              {"index", e.integration_index},
              {"groupKey", n.group_key},
              {"groupLabels", LabelsToJson(n.group_labels)},
              {"alerts", std::move(alerts)},
              {"now", n.now_ms},
              {"externalURL", n.external_url},
              {"firing", e.firing},
              {"resolved", e.resolved},
              {"created", e.created_ms},
              {"expires", e.expires_ms},
              {"repeat", e.repeat_interval_ms}}
      .dump();
}

Result<OutboxEntry> DecodePut(const json& j) {
  OutboxEntry e;
  try {
    e.key = j.at("key").get<std::string>();
    e.id = j.at("id").get<std::string>();
    e.receiver = j.at("receiver").get<std::string>();
    e.integration = j.at("integration").get<std::string>();
    e.integration_index = j.at("index").get<size_t>();
    e.notification.receiver = e.receiver;
    e.notification.group_key = j.at("groupKey").get<std::string>();
    VIGIL_ASSIGN_OR_RETURN(e.notification.group_labels, LabelsFromJson(j.at("groupLabels")));
    for (const json& a : j.at("alerts")) {
      VIGIL_ASSIGN_OR_RETURN(Alert alert, AlertFromJson(a));
      e.notification.alerts.push_back(std::move(alert));
    }
    e.notification.now_ms = j.at("now").get<int64_t>();
    e.notification.external_url = j.at("externalURL").get<std::string>();
    e.firing = j.at("firing").get<std::vector<uint64_t>>();
    e.resolved = j.at("resolved").get<std::vector<uint64_t>>();
    e.created_ms = j.at("created").get<int64_t>();
    e.expires_ms = j.at("expires").get<int64_t>();
    e.repeat_interval_ms = j.at("repeat").get<int64_t>();
  } catch (const json::exception& ex) {
    return InvalidArgument(std::string("bad outbox record: ") + ex.what());
  }
  return e;
}

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::string& path) {
  auto outbox = std::make_unique<Outbox>();
  size_t bad = 0;
  VIGIL_ASSIGN_OR_RETURN(
      outbox->log_, RecordLog::Open(path, [&](std::string_view record) {
        json j = json::parse(record, nullptr, false);
        std::string op = j.is_object() ? j.value("op", "") : "";
        if (op == "del") {
          auto it = outbox->entries_.find(j.value("key", ""));
          if (it != outbox->entries_.end() && it->second.id == j.value("id", "")) {
            outbox->entries_.erase(it);
          }
          return;
        }
        Result<OutboxEntry> e = op == "put" ? DecodePut(j) : InvalidArgument("bad record");
        if (!e.ok()) {
          ++bad;
          return;
        }
        std::string key = e->key;
        outbox->entries_.insert_or_assign(std::move(key), std::move(*e));
      }));
  if (bad > 0) log::Warn("Skipped unreadable outbox records", {{"file", path}, {"count", bad}});
  VIGIL_RETURN_IF_ERROR(outbox->MaybeCompact());
  return outbox;
}

Status Outbox::Put(OutboxEntry entry) {
  VIGIL_RETURN_IF_ERROR(log_->Append(EncodePut(entry)));
  std::string key = entry.key;
  entries_.insert_or_assign(std::move(key), std::move(entry));
  return MaybeCompact();
}

Status Outbox::Remove(const std::string& key, const std::string& id) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.id != id) return Status::Ok();
  VIGIL_RETURN_IF_ERROR(log_->Append(json{{"op", "del"}, {"key", key}, {"id", id}}.dump()));
  entries_.erase(it);
  return MaybeCompact();
}

OutboxEntry* Outbox::Find(const std::string& key) {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

Status Outbox::MaybeCompact() {
  if (log_->records() <= 2 * entries_.size() + 64) return Status::Ok();
  std::vector<std::string> records;
  records.reserve(entries_.size());
  for (const auto& [key, e] : entries_) records.push_back(EncodePut(e));
  return log_->Rewrite(records);
}

}  // namespace vigil::notify
