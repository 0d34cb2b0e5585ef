#include "vigil/base/metrics.h"

#include <algorithm>
#include <cassert>
#include <variant>

#include "vigil/base/format_float.h"

namespace vigil::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

std::vector<double> DefaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> out;
  for (int i = 0; i < count; ++i, start *= factor) out.push_back(start);
  return out;
}

struct Registry::Entry {
  std::string help;
  std::variant<std::monostate, std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
               std::unique_ptr<Family<Histogram>>>
      family;
  std::function<double()> func;  // for *Func metrics
  bool func_is_counter = false;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Entry& Registry::Add(std::string name, std::string help) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = entries_.emplace(std::move(name), std::make_unique<Entry>());
  assert(inserted && "metric registered twice");
  (void)inserted;
  it->second->help = std::move(help);
  return *it->second;
}

Family<Counter>& Registry::AddCounterFamily(std::string name, std::string help,
                                            std::vector<std::string> label_names) {
  auto family = std::make_unique<Family<Counter>>(std::move(label_names),
                                                  [] { return std::make_unique<Counter>(); });
  auto& ref = *family;
  Add(std::move(name), std::move(help)).family = std::move(family);
  return ref;
}

Family<Gauge>& Registry::AddGaugeFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names) {
  auto family = std::make_unique<Family<Gauge>>(std::move(label_names),
                                                [] { return std::make_unique<Gauge>(); });
  auto& ref = *family;
  Add(std::move(name), std::move(help)).family = std::move(family);
  return ref;
}

Family<Histogram>& Registry::AddHistogramFamily(std::string name, std::string help,
                                                std::vector<std::string> label_names,
                                                std::vector<double> bounds) {
  auto family = std::make_unique<Family<Histogram>>(
      std::move(label_names), [bounds] { return std::make_unique<Histogram>(bounds); });
  auto& ref = *family;
  Add(std::move(name), std::move(help)).family = std::move(family);
  return ref;
}

Counter& Registry::AddCounter(std::string name, std::string help) {
  return AddCounterFamily(std::move(name), std::move(help), {}).With({});
}

Gauge& Registry::AddGauge(std::string name, std::string help) {
  return AddGaugeFamily(std::move(name), std::move(help), {}).With({});
}

Histogram& Registry::AddHistogram(std::string name, std::string help, std::vector<double> bounds) {
  return AddHistogramFamily(std::move(name), std::move(help), {}, std::move(bounds)).With({});
}

void Registry::AddGaugeFunc(std::string name, std::string help, std::function<double()> fn) {
  Add(std::move(name), std::move(help)).func = std::move(fn);
}

void Registry::AddCounterFunc(std::string name, std::string help, std::function<double()> fn) {
  Entry& e = Add(std::move(name), std::move(help));
  e.func = std::move(fn);
  e.func_is_counter = true;
}

namespace {

void AppendEscaped(std::string_view s, bool escape_quote, std::string* out) {
  for (char c : s) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else if (c == '"' && escape_quote) {
      *out += "\\\"";
    } else {
      *out += c;
    }
  }
}

// name{l1="v1",...,extra_name="extra_value"} value
void AppendSample(std::string_view name, const std::vector<std::string>& label_names,
                  const std::vector<std::string>& label_values, std::string_view extra_name,
                  std::string_view extra_value, double value, std::string* out) {
  *out += name;
  if (!label_names.empty() || !extra_name.empty()) {
    *out += '{';
    bool first = true;
    auto pair = [&](std::string_view n, std::string_view v) {
      if (!first) *out += ',';
      first = false;
      *out += n;
      *out += "=\"";
      AppendEscaped(v, true, out);
      *out += '"';
    };
    for (size_t i = 0; i < label_names.size(); ++i) pair(label_names[i], label_values[i]);
    if (!extra_name.empty()) pair(extra_name, extra_value);
    *out += '}';
  }
  *out += ' ';
  AppendFloat(value, out);
  *out += '\n';
}

void AppendHeader(std::string_view name, std::string_view help, std::string_view type,
                  std::string* out) {
  *out += "# HELP ";
  *out += name;
  *out += ' ';
  AppendEscaped(help, false, out);
  *out += "\n# TYPE ";
  *out += name;
  *out += ' ';
  *out += type;
  *out += '\n';
}

}  // namespace

std::string Registry::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& named : entries_) {
    // Not a structured binding: lambdas below capture the name (clang < 16).
    const std::string& name = named.first;
    const std::unique_ptr<Entry>& entry = named.second;
    if (entry->func) {
      AppendHeader(name, entry->help, entry->func_is_counter ? "counter" : "gauge", &out);
      AppendSample(name, {}, {}, "", "", entry->func(), &out);
    } else if (auto* c = std::get_if<std::unique_ptr<Family<Counter>>>(&entry->family)) {
      AppendHeader(name, entry->help, "counter", &out);
      (*c)->ForEach([&](const std::vector<std::string>& values, const Counter& m) {
        AppendSample(name, (*c)->label_names(), values, "", "", m.Value(), &out);
      });
    } else if (auto* g = std::get_if<std::unique_ptr<Family<Gauge>>>(&entry->family)) {
      AppendHeader(name, entry->help, "gauge", &out);
      (*g)->ForEach([&](const std::vector<std::string>& values, const Gauge& m) {
        AppendSample(name, (*g)->label_names(), values, "", "", m.Value(), &out);
      });
    } else if (auto* h = std::get_if<std::unique_ptr<Family<Histogram>>>(&entry->family)) {
      AppendHeader(name, entry->help, "histogram", &out);
      const std::string bucket = name + "_bucket";
      (*h)->ForEach([&](const std::vector<std::string>& values, const Histogram& m) {
        std::vector<uint64_t> counts = m.CumulativeCounts();
        for (size_t i = 0; i < m.bounds().size(); ++i) {
          AppendSample(bucket, (*h)->label_names(), values, "le", FormatFloat(m.bounds()[i]),
                       static_cast<double>(counts[i]), &out);
        }
        AppendSample(bucket, (*h)->label_names(), values, "le", "+Inf",
                     static_cast<double>(counts.back()), &out);
        AppendSample(name + "_sum", (*h)->label_names(), values, "", "", m.Sum(), &out);
        AppendSample(name + "_count", (*h)->label_names(), values, "", "",
                     static_cast<double>(counts.back()), &out);
      });
    }
  }
  return out;
}

std::optional<double> Registry::Value(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(std::string(name));
  if (it == entries_.end()) return std::nullopt;
  const Entry& entry = *it->second;
  if (entry.func) return entry.func();
  double sum = 0;
  if (auto* c = std::get_if<std::unique_ptr<Family<Counter>>>(&entry.family)) {
    (*c)->ForEach([&](const std::vector<std::string>&, const Counter& m) { sum += m.Value(); });
    return sum;
  }
  if (auto* g = std::get_if<std::unique_ptr<Family<Gauge>>>(&entry.family)) {
    (*g)->ForEach([&](const std::vector<std::string>&, const Gauge& m) { sum += m.Value(); });
    return sum;
  }
  return std::nullopt;
}

}  // namespace vigil::metrics
