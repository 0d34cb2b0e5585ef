// ParserBase: what the text and OpenMetrics parsers share — the current
// entry's fields, position tracking (line and column), fatal and semantic
// violations, and label decoding.
// Thread-safety: as Parser, one thread; the body must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/expfmt/parser.h"

namespace vigil::expfmt::internal {

// A label as written: views into the body; value without its quotes and
// still escaped when `escaped`.
struct LabelSpan {
  std::string_view name;
  std::string_view value;
  bool escaped = false;
};

// The unescaped value of a label span (appended to *scratch when escaped).
std::string_view LabelValue(const LabelSpan& l, std::string* scratch);

class ParserBase : public Parser {
 public:
  explicit ParserBase(std::string_view body) : body_(body) {}

  Result<Entry> Next() final;

  std::string_view Series() const override { return series_; }
  void Labels(model::Labels* out) const override;
  double Value() const override { return value_; }
  std::optional<int64_t> TimestampMs() const override { return ts_; }
  const Exemplar* CurrentExemplar() const override;

  std::string_view MetricFamily() const override { return family_; }
  std::string_view Text() const override { return text_; }
  MetricType Type() const override { return type_; }

  Position CurrentPosition() const override { return entry_pos_; }
  const std::vector<Violation>& SemanticViolations() const override { return violations_; }

  // --- for the semantic checks of a series entry ---
  std::string_view MetricName() const { return name_; }
  const std::vector<LabelSpan>& LabelSpans() const { return labels_; }
  bool HasExemplar() const { return has_exemplar_; }
  const std::vector<LabelSpan>& ExemplarLabelSpans() const { return ex_labels_; }

 protected:
  // Parses the next entry from pos_; fatal errors come back through Fatal().
  virtual Result<Entry> Step() = 0;

  // The position of `offset`, which lies on the current line.
  Position PositionAt(size_t offset) const {
    return Position{line_, static_cast<int>(offset - line_start_) + 1};
  }
  // Call after consuming a newline; `next` is the offset after it.
  void NewLine(size_t next) {
    ++line_;
    line_start_ = next;
  }
  // Records the fatal error at `offset` and returns it.
  Status Fatal(size_t offset, std::string_view message);
  // The same, at a position recorded earlier on the current line or before.
  Status FatalAt(Position at, std::string_view message);
  // For helpers returning bool: record the fatal error, return false.
  bool Fail(size_t offset, std::string_view message) {
    (void)Fatal(offset, message);
    return false;
  }
  bool FailAt(Position at, std::string_view message) {
    (void)FatalAt(at, message);
    return false;
  }
  void Semantic(Position at, std::string message);
  const Status& fatal() const { return fatal_; }

  // Resets the fields of a series entry.
  void BeginSeries(size_t offset) {
    entry_pos_ = PositionAt(offset);
    labels_.clear();
    ts_.reset();
    has_exemplar_ = false;
    exemplar_built_ = false;
  }
  // Whether `name` repeats a label of the current series (or is __name__).
  // Inline: it runs for every label.
  bool IsDuplicateLabel(std::string_view name) const {
    if (name == model::kMetricName) return true;
    for (const LabelSpan& l : labels_) {
      if (l.name == name) return true;
    }
    return false;
  }

  std::string_view body_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;

  Position entry_pos_;
  std::string_view series_;
  std::string_view name_;
  std::vector<LabelSpan> labels_;
  double value_ = 0;
  // An optional member, not a value and a flag: returning one built from
  // those stalls on a partial store forward on every sample (GCC 12).
  std::optional<int64_t> ts_;

  bool has_exemplar_ = false;
  std::vector<LabelSpan> ex_labels_;
  double ex_value_ = 0;
  int64_t ex_ts_ = 0;
  bool ex_has_ts_ = false;

  std::string_view family_;
  std::string_view text_;
  std::string text_buf_;  // unescaped HELP text
  MetricType type_ = MetricType::kUnknown;

  std::vector<Violation> violations_;

 private:
  Status fatal_;
  mutable bool exemplar_built_ = false;
  mutable Exemplar exemplar_;
};

}  // namespace vigil::expfmt::internal
