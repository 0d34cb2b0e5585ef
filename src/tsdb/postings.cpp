#include "postings.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <mutex>

namespace vigil::tsdb {
namespace {

void InsertSorted(Postings* p, SeriesRef ref) {
  if (p->empty() || p->back() < ref) {
    p->push_back(ref);
    return;
  }
  auto it = std::lower_bound(p->begin(), p->end(), ref);
  if (it == p->end() || *it != ref) p->insert(it, ref);
}

void EraseSorted(Postings* p, SeriesRef ref) {
  auto it = std::lower_bound(p->begin(), p->end(), ref);
  if (it != p->end() && *it == ref) p->erase(it);
}

bool IsRegexMeta(char c) {
  switch (c) {
    case '\\': case '.': case '+': case '*': case '?': case '(': case ')':
    case '[': case ']': case '{': case '}': case '^': case '$': case '|':
      return true;
    default:
      return false;
  }
}

bool IsLiteral(std::string_view s) {
  return std::none_of(s.begin(), s.end(), IsRegexMeta);
}

}  // namespace

Postings Intersect(const Postings& a, const Postings& b) {
  Postings out;
  // Gallop through the longer list when the sizes are far apart.
  const Postings& small = a.size() <= b.size() ? a : b;
  const Postings& large = a.size() <= b.size() ? b : a;
  if (small.size() * 16 < large.size()) {
    auto it = large.begin();
    for (SeriesRef r : small) {
      it = std::lower_bound(it, large.end(), r);
      if (it == large.end()) break;
      if (*it == r) out.push_back(r);
    }
    return out;
  }
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Postings Merge(const Postings& a, const Postings& b) {
  Postings out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Postings Subtract(const Postings& a, const Postings& b) {
  Postings out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

RegexShape AnalyzeRegex(std::string_view pattern) {
  RegexShape shape;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*" &&
      IsLiteral(pattern.substr(0, pattern.size() - 2))) {
    shape.kind = RegexShape::Kind::kPrefix;
    shape.prefix = std::string(pattern.substr(0, pattern.size() - 2));
    return shape;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= pattern.size(); ++i) {
    if (i == pattern.size() || pattern[i] == '|') {
      std::string_view part = pattern.substr(start, i - start);
      if (!IsLiteral(part)) return shape;
      parts.emplace_back(part);
      start = i + 1;
    }
  }
  shape.kind = RegexShape::Kind::kLiterals;
  shape.literals = std::move(parts);
  return shape;
}

void PostingsIndex::Remove(SeriesRef ref, const model::Labels& labels) {
  std::unique_lock lock(mu_);
  EraseSorted(&all_, ref);
  for (const model::Label& l : labels) {
    auto name_it = index_.find(l.name);
    if (name_it == index_.end()) continue;
    auto value_it = name_it->second.find(l.value);
    if (value_it == name_it->second.end()) continue;
    EraseSorted(&value_it->second, ref);
    if (value_it->second.empty()) name_it->second.erase(value_it);
    if (name_it->second.empty()) index_.erase(name_it);
  }
}

void PostingsIndex::Add(SeriesRef ref, const model::Labels& labels) {
  std::unique_lock lock(mu_);
  InsertSorted(&all_, ref);
  for (const model::Label& l : labels) {
    auto name_it = index_.find(l.name);
    if (name_it == index_.end()) name_it = index_.emplace(std::string(l.name), ValueMap()).first;
    auto value_it = name_it->second.find(l.value);
    if (value_it == name_it->second.end()) {
      value_it = name_it->second.emplace(std::string(l.value), Postings()).first;
    }
    InsertSorted(&value_it->second, ref);
  }
}

Postings PostingsIndex::MatchingValues(const model::Matcher& m, bool want_match) const {
  auto name_it = index_.find(m.name());
  if (name_it == index_.end()) return {};
  const ValueMap& values = name_it->second;
  std::vector<const Postings*> lists;
  auto add_exact = [&](std::string_view v) {
    auto it = values.find(v);
    if (it != values.end()) lists.push_back(&it->second);
  };
  bool positive = (m.type() == model::MatchType::kEqual || m.type() == model::MatchType::kRegexMatch);
  bool literal_set = want_match == positive;
  if (m.type() == model::MatchType::kEqual || m.type() == model::MatchType::kNotEqual) {
    if (literal_set) {
      add_exact(m.value());
    } else {
      for (const auto& [v, p] : values) {
        if (v != m.value()) lists.push_back(&p);
      }
    }
  } else {
    RegexShape shape = AnalyzeRegex(m.value());
    if (literal_set && shape.kind == RegexShape::Kind::kLiterals) {
      std::sort(shape.literals.begin(), shape.literals.end());
      shape.literals.erase(std::unique(shape.literals.begin(), shape.literals.end()),
                           shape.literals.end());
      for (const std::string& lit : shape.literals) add_exact(lit);
    } else if (literal_set && shape.kind == RegexShape::Kind::kPrefix) {
      for (auto it = values.lower_bound(shape.prefix);
           it != values.end() && std::string_view(it->first).starts_with(shape.prefix); ++it) {
        lists.push_back(&it->second);
      }
    } else {
      for (const auto& [v, p] : values) {
        if (m.Matches(v) == want_match) lists.push_back(&p);
      }
    }
  }
  if (lists.empty()) return {};
  if (lists.size() == 1) return *lists.front();
  Postings out;
  for (const Postings* p : lists) out.insert(out.end(), p->begin(), p->end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Postings PostingsIndex::Select(const std::vector<model::Matcher>& matchers) const {
  std::shared_lock lock(mu_);
  std::vector<Postings> include;
  std::vector<Postings> exclude;
  for (const model::Matcher& m : matchers) {
    if (m.Matches("")) {
      // Matches series without the label too: drop those whose value fails.
      exclude.push_back(MatchingValues(m, /*want_match=*/false));
    } else {
      include.push_back(MatchingValues(m, /*want_match=*/true));
      if (include.back().empty()) return {};
    }
  }
  Postings result;
  if (include.empty()) {
    result = all_;
  } else {
    std::sort(include.begin(), include.end(),
              [](const Postings& a, const Postings& b) { return a.size() < b.size(); });
    result = std::move(include.front());
    for (size_t i = 1; i < include.size() && !result.empty(); ++i) {
      result = Intersect(result, include[i]);
    }
  }
  for (const Postings& ex : exclude) {
    if (result.empty()) break;
    if (!ex.empty()) result = Subtract(result, ex);
  }
  return result;
}

std::vector<std::string> PostingsIndex::LabelNames() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, values] : index_) out.push_back(name);
  return out;
}

std::vector<std::string> PostingsIndex::LabelValues(std::string_view name) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  auto it = index_.find(name);
  if (it == index_.end()) return out;
  for (const auto& [value, p] : it->second) out.push_back(value);
  return out;
}

size_t PostingsIndex::NumSeries() const {
  std::shared_lock lock(mu_);
  return all_.size();
}

void PostingsIndex::ForEachValue(
    const std::function<void(std::string_view, std::string_view, size_t)>& fn) const {
  std::shared_lock lock(mu_);
  for (const auto& [name, values] : index_) {
    for (const auto& [value, p] : values) fn(name, value, p.size());
  }
}

}  // namespace vigil::tsdb
