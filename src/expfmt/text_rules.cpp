#include "text_rules.h"

#include <string>

#include "lex_util.h"

namespace vigil::expfmt::internal {
namespace {

bool StripSuffix(std::string_view name, std::string_view suffix, std::string_view* base) {
  if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) {
    return false;
  }
  *base = name.substr(0, name.size() - suffix.size());
  return true;
}

}  // namespace

TextRules::Family* TextRules::Resolve(std::string_view name) {
  for (const Recent& r : recent_) {
    if (r.family != nullptr && r.name == name) return r.family;
  }
  Family* f = nullptr;
  if (auto it = by_name_.find(name); it != by_name_.end()) {
    f = it->second;
  } else {
    std::string_view base;
    if (StripSuffix(name, "_sum", &base) || StripSuffix(name, "_count", &base)) {
      auto b = by_name_.find(base);
      if (b != by_name_.end() &&
          (b->second->type == MetricType::kSummary || b->second->type == MetricType::kHistogram)) {
        f = b->second;
      }
    } else if (StripSuffix(name, "_bucket", &base)) {
      auto b = by_name_.find(base);
      if (b != by_name_.end() && b->second->type == MetricType::kHistogram) f = b->second;
    }
    if (f == nullptr) f = &families_.emplace_back();
    // The alias keeps the Go resolution: a later TYPE for "x_sum" of summary
    // "x" lands on "x", as in the Go parser.
    by_name_.emplace(std::string(name), f);
  }
  recent_[next_recent_] = Recent{name, f};
  next_recent_ = (next_recent_ + 1) % recent_.size();
  return f;
}

void TextRules::OnHelp(std::string_view name, Position at) {
  Family* f = Resolve(name);
  if (f->has_help) {
    out_->push_back(
        Violation{at, "second HELP line for metric name \"" + std::string(name) + "\"", false});
  }
  f->has_help = true;
}

void TextRules::OnType(std::string_view name, MetricType type, Position at) {
  Family* f = Resolve(name);
  if (f->has_type || f->has_samples) {
    out_->push_back(Violation{at,
                              "second TYPE line for metric name \"" + std::string(name) +
                                  "\", or TYPE reported after samples",
                              false});
    return;
  }
  f->has_type = true;
  f->type = type;
}

void TextRules::CheckFloatLabel(const std::vector<LabelSpan>& labels, std::string_view label,
                                Position at) {
  for (const LabelSpan& l : labels) {
    if (l.name != label) continue;
    std::string_view v = LabelValue(l, &scratch_);
    double ignored;
    if (!ParseGoFloat(v, &ignored)) {
      out_->push_back(Violation{at,
                                "expected float as value for '" + std::string(label) +
                                    "' label, got \"" + std::string(v) + "\"",
                                false});
    }
  }
}

void TextRules::OnSample(std::string_view name, bool same_name,
                         const std::vector<LabelSpan>& labels, Position at) {
  Family* f = same_name && last_sample_ != nullptr ? last_sample_ : Resolve(name);
  last_sample_ = f;
  f->has_samples = true;
  if (f->type == MetricType::kSummary) CheckFloatLabel(labels, "quantile", at);
  if (f->type == MetricType::kHistogram) CheckFloatLabel(labels, "le", at);
}

}  // namespace vigil::expfmt::internal
