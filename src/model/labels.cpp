#include "vigil/model/labels.h"

#include <xxhash.h>

#include <algorithm>
#include <cassert>
#include <cstring>

namespace vigil::model {
namespace {

void PutVarint(size_t n, std::string* out) {
  while (n >= 0x80) {
    out->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

const char* GetVarint(const char* p, size_t* n) {
  size_t result = 0;
  int shift = 0;
  for (;;) {
    unsigned char b = static_cast<unsigned char>(*p++);
    result |= static_cast<size_t>(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  *n = result;
  return p;
}

void Encode(std::string_view name, std::string_view value, std::string* out) {
  PutVarint(name.size(), out);
  out->append(name);
  PutVarint(value.size(), out);
  out->append(value);
}

}  // namespace

Labels::Iterator::Iterator(const char* pos, const char* end) : pos_(pos), end_(end) { Decode(); }

void Labels::Iterator::Decode() {
  if (pos_ == end_) return;
  size_t n = 0;
  const char* p = GetVarint(pos_, &n);
  current_.name = std::string_view(p, n);
  p = GetVarint(p + n, &n);
  current_.value = std::string_view(p, n);
  next_ = p + n;
}

Labels::Iterator& Labels::Iterator::operator++() {
  pos_ = next_;
  Decode();
  return *this;
}

Labels Labels::FromPairs(std::vector<std::pair<std::string, std::string>> pairs) {
  std::sort(pairs.begin(), pairs.end());
  Labels out;
  size_t bytes = 0;
  for (const auto& [n, v] : pairs) bytes += n.size() + v.size() + 2;
  out.data_.reserve(bytes);
  for (size_t i = 0; i < pairs.size(); ++i) {
    assert((i == 0 || pairs[i - 1].first != pairs[i].first) && "duplicate label name");
    if (!pairs[i].second.empty()) Encode(pairs[i].first, pairs[i].second, &out.data_);
  }
  return out;
}

Labels Labels::FromStrings(std::initializer_list<std::string_view> names_and_values) {
  assert(names_and_values.size() % 2 == 0);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto it = names_and_values.begin(); it != names_and_values.end(); it += 2) {
    pairs.emplace_back(*it, *(it + 1));
  }
  return FromPairs(std::move(pairs));
}

size_t Labels::size() const { return static_cast<size_t>(std::distance(begin(), end())); }

std::string_view Labels::Get(std::string_view name) const {
  for (const Label& l : *this) {
    if (l.name == name) return l.value;
    if (l.name > name) break;
  }
  return {};
}

bool Labels::Has(std::string_view name) const {
  for (const Label& l : *this) {
    if (l.name == name) return true;
    if (l.name > name) break;
  }
  return false;
}

uint64_t Labels::Hash() const { return XXH3_64bits(data_.data(), data_.size()); }

std::string Labels::ToString() const {
  std::string out;
  std::string_view name = MetricName();
  out += name;
  out += '{';
  bool first = true;
  for (const Label& l : *this) {
    if (l.name == kMetricName) continue;
    if (!first) out += ", ";
    first = false;
    out += l.name;
    out += "=\"";
    AppendEscapedLabelValue(l.value, &out);
    out += '"';
  }
  out += '}';
  if (!name.empty() && first) out.resize(out.size() - 2);  // "up{}" -> "up"
  return out;
}

namespace {

// The length of the common prefix of x and y, eight bytes at a time.
size_t CommonPrefix(std::string_view x, std::string_view y) {
  const size_t n = std::min(x.size(), y.size());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t wx, wy;
    std::memcpy(&wx, x.data() + i, 8);
    std::memcpy(&wy, y.data() + i, 8);
    if (wx != wy) break;
  }
  while (i < n && x[i] == y[i]) ++i;
  return i;
}

}  // namespace

int Compare(const Labels& a, const Labels& b) {
  // Pairs wholly inside the common prefix of the two encodings are equal,
  // so the comparison starts at the pair holding the first differing byte.
  // Series of one metric share their first pairs (__name__, ...), and
  // sorting them (every Select) skips those with one memcmp-like scan.
  const size_t common = CommonPrefix(a.data_, b.data_);
  if (common == a.data_.size() && common == b.data_.size()) return 0;
  const char* const pa = a.data_.data();
  const char* const pb = b.data_.data();
  size_t start = 0;  // where the pair holding byte `common` begins
  for (auto it = a.begin(); it != a.end(); ++it) {
    size_t pair_end = static_cast<size_t>(it->value.data() + it->value.size() - pa);
    if (pair_end > common) break;
    start = pair_end;
  }
  auto ia = Labels::Iterator(pa + start, pa + a.data_.size());
  auto ib = Labels::Iterator(pb + start, pb + b.data_.size());
  const auto ea = a.end(), eb = b.end();
  for (; ia != ea && ib != eb; ++ia, ++ib) {
    if (int c = ia->name.compare(ib->name); c != 0) return c < 0 ? -1 : 1;
    if (int c = ia->value.compare(ib->value); c != 0) return c < 0 ? -1 : 1;
  }
  if (ia == ea && ib == eb) return 0;
  return ia == ea ? -1 : 1;
}

Labels Labels::Without(std::string_view name) const {
  size_t start = 0;  // where the current pair's bytes begin
  for (const Label& l : *this) {
    const auto end = static_cast<size_t>(l.value.data() + l.value.size() - data_.data());
    if (l.name == name) {
      Labels out;
      out.data_.reserve(data_.size() - (end - start));
      out.data_.append(data_, 0, start);
      out.data_.append(data_, end, std::string::npos);
      return out;
    }
    if (l.name > name) break;  // sorted by name: it is absent
    start = end;
  }
  return *this;
}

namespace {

void AppendSortKeyPart(std::string_view s, std::string* out) {
  for (size_t zero; (zero = s.find('\0')) != std::string_view::npos; s.remove_prefix(zero + 1)) {
    out->append(s.substr(0, zero));
    out->append("\0\xff", 2);
  }
  out->append(s);
  out->append("\0\0", 2);
}

}  // namespace

void AppendSortKey(const Labels& labels, std::string* out) {
  // Usually no byte of the encoding is zero (nor are its lengths: an empty
  // value is never stored), and no part needs escaping.
  if (labels.encoded().find('\0') == std::string::npos) {
    for (const Label& l : labels) {
      out->append(l.name);
      out->append("\0\0", 2);
      out->append(l.value);
      out->append("\0\0", 2);
    }
    return;
  }
  for (const Label& l : labels) {
    AppendSortKeyPart(l.name, out);
    AppendSortKeyPart(l.value, out);
  }
}

LabelsBuilder::LabelsBuilder(const Labels& base) { Reset(base); }

void LabelsBuilder::Reset(const Labels& base) {
  pairs_.clear();
  pairs_.reserve(base.size() + 1);  // room for one Set without growing
  for (const Label& l : base) pairs_.emplace_back(l.name, l.value);
}

LabelsBuilder& LabelsBuilder::Set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(pairs_.begin(), pairs_.end(), name,
                             [](const auto& p, std::string_view n) { return p.first < n; });
  if (it != pairs_.end() && it->first == name) {
    if (value.empty()) {
      pairs_.erase(it);
    } else {
      it->second = value;
    }
  } else if (!value.empty()) {
    pairs_.emplace(it, std::string(name), std::string(value));
  }
  return *this;
}

LabelsBuilder& LabelsBuilder::Del(std::string_view name) { return Set(name, {}); }

std::string_view LabelsBuilder::Get(std::string_view name) const {
  auto it = std::lower_bound(pairs_.begin(), pairs_.end(), name,
                             [](const auto& p, std::string_view n) { return p.first < n; });
  return it != pairs_.end() && it->first == name ? std::string_view(it->second)
                                                 : std::string_view();
}

Labels LabelsBuilder::Build() const {
  Labels out;
  size_t bytes = 0;  // exact unless a length needs a multi-byte varint
  for (const auto& [n, v] : pairs_) bytes += n.size() + v.size() + 2;
  out.data_.reserve(bytes);
  for (const auto& [n, v] : pairs_) Encode(n, v, &out.data_);
  return out;
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void AppendEscapedLabelValue(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '\\': *out += "\\\\"; break;
      case '"': *out += "\\\""; break;
      case '\n': *out += "\\n"; break;
      default: *out += c;
    }
  }
}

}  // namespace vigil::model
