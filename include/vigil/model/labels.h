// Labels: the identity of a series, a set of name/value pairs sorted by name
// with unique names.
//
// Built for millions of series: all pairs live in one contiguous buffer
// (varint length + bytes, name then value, pair after pair), so a Labels is
// one allocation, equality is one memcmp, and the hash is computed over the
// buffer. Iteration yields string_views into the buffer.
// Thread-safety: an immutable value; copies are independent.
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::model {

inline constexpr std::string_view kMetricName = "__name__";

struct Label {
  std::string_view name;
  std::string_view value;
  friend bool operator==(const Label&, const Label&) = default;
};

class Labels {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Label;
    using difference_type = std::ptrdiff_t;
    using pointer = const Label*;
    using reference = const Label&;

    Iterator() = default;
    Iterator(const char* pos, const char* end);
    const Label& operator*() const { return current_; }
    const Label* operator->() const { return &current_; }
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator copy = *this;
      ++*this;
      return copy;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.pos_ == b.pos_; }

   private:
    void Decode();
    const char* pos_ = nullptr;
    const char* next_ = nullptr;
    const char* end_ = nullptr;
    Label current_;
  };

  Labels() = default;
  // Sorts by name. Precondition: names are unique (see LabelsBuilder to merge).
  // Pairs with an empty value are dropped, as Prometheus treats them as absent.
  static Labels FromPairs(std::vector<std::pair<std::string, std::string>> pairs);
  // Convenience for tests and literals: {"__name__", "up", "job", "x"}.
  static Labels FromStrings(std::initializer_list<std::string_view> names_and_values);

  Iterator begin() const { return Iterator(data_.data(), data_.data() + data_.size()); }
  Iterator end() const {
    return Iterator(data_.data() + data_.size(), data_.data() + data_.size());
  }
  bool empty() const { return data_.empty(); }
  size_t size() const;  // number of pairs, O(n)

  // The value for `name`, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricName); }
  // A copy without the label `name` (an unchanged copy when absent).
  Labels Without(std::string_view name) const;

  // xxHash64 of the encoded pairs; stable across processes and versions of
  // vigil that share the encoding.
  uint64_t Hash() const;

  // Bytes held by this value (for memory accounting).
  size_t ByteSize() const { return data_.capacity(); }
  const std::string& encoded() const { return data_; }

  // {__name__="up", job="x"} rendered as Prometheus does:
  // up{job="x"}, or {a="b"} with no metric name.
  std::string ToString() const;

  friend bool operator==(const Labels& a, const Labels& b) { return a.data_ == b.data_; }
  // Prometheus's labels.Compare order: pairwise by name, then value; a prefix
  // sorts first.
  friend int Compare(const Labels& a, const Labels& b);
  friend bool operator<(const Labels& a, const Labels& b) { return Compare(a, b) < 0; }

 private:
  friend class LabelsBuilder;
  std::string data_;
};

// Appends to `out` a byte string whose bytewise order among such strings is
// Compare's order, so sorting many label sets compares flat bytes: every
// name and value with each 0x00 byte written as 00 FF, then ended by 00 00.
void AppendSortKey(const Labels& labels, std::string* out);

// Builds a Labels from a base set with labels set and deleted.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base);

  void Reset(const Labels& base);
  // An empty value deletes the label.
  LabelsBuilder& Set(std::string_view name, std::string_view value);
  LabelsBuilder& Del(std::string_view name);
  std::string_view Get(std::string_view name) const;
  Labels Build() const;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;  // sorted by name
};

// The text format's rules (Prometheus 2.42, without UTF-8 names).
bool IsValidMetricName(std::string_view name);  // [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidLabelName(std::string_view name);   // [a-zA-Z_][a-zA-Z0-9_]*

// Appends s with \\, \" and \n escaped, as inside a quoted label value.
void AppendEscapedLabelValue(std::string_view s, std::string* out);

}  // namespace vigil::model
