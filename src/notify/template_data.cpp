#include "template_data.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "notification_data.h"

namespace vigil::notify {

namespace {

using tmpl::List;
using tmpl::Map;
using tmpl::Object;
using tmpl::Value;

template <typename T, typename... Args>
Value Make(Args&&... args) {
  return Value(std::shared_ptr<const Object>(std::make_shared<const T>(std::forward<Args>(args)...)));
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

// template.Pair: {Name Value}.
class PairObject final : public Object {
 public:
  PairObject(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  std::optional<Value> Field(std::string_view field) const override {
    if (field == "Name") return Value(name_);
    if (field == "Value") return Value(value_);
    return std::nullopt;
  }
  std::string ToString() const override { return "{" + name_ + " " + value_ + "}"; }

 private:
  std::string name_;
  std::string value_;
};

List NamesOf(const Pairs& pairs) {
  List out;
  for (const auto& p : pairs) out.emplace_back(p.first);
  return out;
}

List ValuesOf(const Pairs& pairs) {
  List out;
  for (const auto& p : pairs) out.emplace_back(p.second);
  return out;
}

// template.Pairs: a slice of Pair with .Names and .Values.
class PairsObject final : public Object {
 public:
  explicit PairsObject(Pairs pairs) : pairs_(std::move(pairs)) {
    for (const auto& [name, value] : pairs_) elements_.push_back(Make<PairObject>(name, value));
  }
  std::optional<Value> Field(std::string_view field) const override {
    if (field == "Names") return Value(NamesOf(pairs_));
    if (field == "Values") return Value(ValuesOf(pairs_));
    return std::nullopt;
  }
  const List* AsList() const override { return &elements_; }
  std::string ToString() const override {
    std::string s = "[";
    for (size_t i = 0; i < pairs_.size(); ++i) {
      if (i > 0) s += " ";
      s += "{" + pairs_[i].first + " " + pairs_[i].second + "}";
    }
    return s + "]";
  }

 private:
  Pairs pairs_;
  List elements_;
};

// template.KV: a map[string]string with methods; pairs sorted by name.
class KvObject final : public Object {
 public:
  explicit KvObject(Pairs pairs) : pairs_(std::move(pairs)) {
    for (const auto& [name, value] : pairs_) map_.emplace(name, Value(value));
  }
  std::optional<Value> Field(std::string_view field) const override {
    // Methods first, as Go resolves a method before a map key.
    if (field == "SortedPairs") return Make<PairsObject>(pairs_);
    if (field == "Names") return Value(NamesOf(pairs_));
    if (field == "Values") return Value(ValuesOf(pairs_));
    auto it = map_.find(field);
    return it == map_.end() ? Value(std::string()) : it->second;
  }
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override {
    if (name != "Remove") return Object::Call(name, args);
    if (args.size() != 1 || !args[0].is_list()) {
      return InvalidArgument("wrong arguments for Remove: want a list of label names");
    }
    Pairs kept;
    for (const auto& pair : pairs_) {
      bool removed = false;
      for (const Value& key : args[0].as_list()) {
        removed = removed || (key.is_string() && key.as_string() == pair.first);
      }
      if (!removed) kept.push_back(pair);
    }
    return Make<KvObject>(std::move(kept));
  }
  const Map* AsMap() const override { return &map_; }
  std::string ToString() const override {
    std::string s = "map[";
    for (size_t i = 0; i < pairs_.size(); ++i) {
      if (i > 0) s += " ";
      s += pairs_[i].first + ":" + pairs_[i].second;
    }
    return s + "]";
  }

 private:
  Pairs pairs_;
  Map map_;
};

// Go's zero time.Time (the EndsAt of a firing alert), which tmpl::TimeValue
// cannot hold: a nanosecond time_point does not reach year 1.
class ZeroTimeObject final : public Object {
 public:
  std::optional<Value> Field(std::string_view field) const override {
    constexpr int64_t kZeroUnix = -62135596800;  // 0001-01-01T00:00:00Z
    if (field == "Unix") return Value(kZeroUnix);
    if (field == "UnixMilli") return Value(kZeroUnix * 1000);
    if (field == "IsZero") return Value(true);
    return std::nullopt;
  }
  std::string ToString() const override { return FormatGoTimeString(0); }
};

Value TimeOf(int64_t ms) {
  if (ms == 0) return Make<ZeroTimeObject>();
  return tmpl::TimeValue(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

class AlertObject final : public Object {
 public:
  explicit AlertObject(const AlertView& view)
      : status_(view.status()),
        labels_(KvOf(view.alert->labels)),
        annotations_(KvOf(view.alert->annotations)),
        starts_at_(TimeOf(view.alert->starts_at_ms)),
        ends_at_(TimeOf(view.ends_at_ms)),
        generator_url_(view.alert->generator_url),
        fingerprint_(view.fingerprint) {}
  std::optional<Value> Field(std::string_view field) const override {
    if (field == "Status") return Value(status_);
    if (field == "Labels") return labels_;
    if (field == "Annotations") return annotations_;
    if (field == "StartsAt") return starts_at_;
    if (field == "EndsAt") return ends_at_;
    if (field == "GeneratorURL") return Value(generator_url_);
    if (field == "Fingerprint") return Value(fingerprint_);
    return std::nullopt;
  }
  std::string ToString() const override {
    return "{" + status_ + " " + labels_.ToString() + " " + annotations_.ToString() + " " +
           starts_at_.ToString() + " " + ends_at_.ToString() + " " + generator_url_ + " " +
           fingerprint_ + "}";
  }

 private:
  std::string status_;
  Value labels_, annotations_, starts_at_, ends_at_;
  std::string generator_url_;
  std::string fingerprint_;
};

// template.Alerts: a slice of Alert with .Firing and .Resolved.
class AlertsObject final : public Object {
 public:
  AlertsObject(List alerts, std::vector<bool> firing) : alerts_(std::move(alerts)), firing_(std::move(firing)) {}
  std::optional<Value> Field(std::string_view field) const override {
    if (field == "Firing") return Subset(true);
    if (field == "Resolved") return Subset(false);
    return std::nullopt;
  }
  const List* AsList() const override { return &alerts_; }
  std::string ToString() const override {
    std::string s = "[";
    for (size_t i = 0; i < alerts_.size(); ++i) s += (i > 0 ? " " : "") + alerts_[i].ToString();
    return s + "]";
  }

 private:
  Value Subset(bool firing) const {
    List subset;
    for (size_t i = 0; i < alerts_.size(); ++i) {
      if (firing_[i] == firing) subset.push_back(alerts_[i]);
    }
    return Make<AlertsObject>(std::move(subset), std::vector<bool>(subset.size(), firing));
  }
  List alerts_;
  std::vector<bool> firing_;
};

class DataObject final : public Object {
 public:
  DataObject(const Notification& n, const NotificationView& view)
      : receiver_(view.receiver),
        status_(view.status()),
        group_labels_(KvOf(n.group_labels)),
        common_labels_(KvOf(view.common_labels)),
        common_annotations_(KvOf(view.common_annotations)),
        external_url_(n.external_url) {
    List alerts;
    std::vector<bool> firing;
    for (const AlertView& a : view.alerts) {
      alerts.push_back(Make<AlertObject>(a));
      firing.push_back(a.firing);
    }
    alerts_ = Make<AlertsObject>(std::move(alerts), std::move(firing));
  }
  std::optional<Value> Field(std::string_view field) const override {
    if (field == "Receiver") return Value(receiver_);
    if (field == "Status") return Value(status_);
    if (field == "Alerts") return alerts_;
    if (field == "GroupLabels") return group_labels_;
    if (field == "CommonLabels") return common_labels_;
    if (field == "CommonAnnotations") return common_annotations_;
    if (field == "ExternalURL") return Value(external_url_);
    return std::nullopt;
  }

 private:
  std::string receiver_;
  std::string status_;
  Value alerts_, group_labels_, common_labels_, common_annotations_;
  std::string external_url_;
};

}  // namespace

tmpl::Value KvOf(const model::Labels& labels) {
  Pairs pairs;
  for (const model::Label& l : labels) pairs.emplace_back(std::string(l.name), std::string(l.value));
  return Make<KvObject>(std::move(pairs));
}

tmpl::Value TemplateDataOf(const Notification& n) {
  return Make<DataObject>(n, ViewOf(n));
}

}  // namespace vigil::notify
