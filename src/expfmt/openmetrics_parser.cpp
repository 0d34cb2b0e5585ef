#include "openmetrics_parser.h"

#include <cmath>
#include <string>

#include "lex_util.h"
#include "word_scan.h"

namespace vigil::expfmt::internal {
namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsExemplarStart(std::string_view body, size_t p) { return body.substr(p, 4) == " # {"; }

}  // namespace

std::string_view OpenMetricsParser::SpaceToken(size_t* p) const {
  const size_t n = body_.size();
  size_t q = *p;
  if (q >= n || body_[q] != ' ') return {};
  size_t start = ++q;
  while (q < n && body_[q] != ' ' && body_[q] != '\n') ++q;
  if (q == start) return {};
  *p = q;
  return body_.substr(start, q - start);
}

Result<Parser::Entry> OpenMetricsParser::Step() {
  if (done_) return Entry::kEnd;
  const size_t n = body_.size();
  size_t i = pos_;
  if (i >= n) return Fatal(i, "data does not end with # EOF");
  char c = body_[i];
  if (c == '#') return ParseMetadata(i);
  if (Is(c, kMetricNameStart)) return ParseSample(i);
  if (c == '\n') return Fatal(i, "blank lines are not allowed");
  return Fatal(i, "expected a metric name or '#', got " + Quote(std::string_view(&body_[i], 1)));
}

Result<Parser::Entry> OpenMetricsParser::ParseMetadata(size_t start) {
  const size_t n = body_.size();
  entry_pos_ = PositionAt(start);
  if (start + 1 >= n || body_[start + 1] != ' ') {
    return Fatal(start,
                 "expected \"# \" (comments other than HELP, TYPE, UNIT and EOF are not allowed)");
  }
  size_t p = start + 2;
  std::string_view word = body_.substr(p, 5);
  Entry kind;
  if (word == "HELP ") {
    kind = Entry::kHelp;
  } else if (word == "TYPE ") {
    kind = Entry::kType;
  } else if (word == "UNIT ") {
    kind = Entry::kUnit;
  } else if (body_.substr(p, 3) == "EOF") {
    p += 3;
    if (p < n && body_[p] == '\n') ++p;
    if (p < n) return Fatal(p, "unexpected data after # EOF");
    done_ = true;
    rules_.OnEnd();
    return Entry::kEnd;
  } else {
    return Fatal(p, "expected HELP, TYPE, UNIT or EOF");
  }
  const std::string what(word.substr(0, 4));
  p += 5;
  if (p >= n || !Is(body_[p], kMetricNameStart)) {
    return Fatal(p, "expected metric name after " + what);
  }
  size_t name_start = p;
  while (p < n && Is(body_[p], kMetricNameChar)) ++p;
  family_ = body_.substr(name_start, p - name_start);
  if (p >= n || body_[p] != ' ') return Fatal(p, "expected text in " + what);
  size_t eol = body_.find('\n', p + 1);
  if (eol == std::string_view::npos) return Fatal(n, "expected text in " + what);
  std::string_view text = body_.substr(p + 1, eol - p - 1);
  size_t text_start = p + 1;
  pos_ = eol + 1;

  std::string_view unit;
  switch (kind) {
    case Entry::kHelp:
      if (!IsValidUtf8(text)) return Fatal(text_start, "help text is not a valid UTF-8 string");
      if (text.find('\\') != std::string_view::npos) {
        text_buf_.clear();
        AppendUnescapedLabelValue(text, &text_buf_);
        text_ = text_buf_;
      } else {
        text_ = text;
      }
      break;
    case Entry::kType:
      if (text == "counter") {
        type_ = MetricType::kCounter;
      } else if (text == "gauge") {
        type_ = MetricType::kGauge;
      } else if (text == "histogram") {
        type_ = MetricType::kHistogram;
      } else if (text == "gaugehistogram") {
        type_ = MetricType::kGaugeHistogram;
      } else if (text == "summary") {
        type_ = MetricType::kSummary;
      } else if (text == "info") {
        type_ = MetricType::kInfo;
      } else if (text == "stateset") {
        type_ = MetricType::kStateset;
      } else if (text == "unknown") {
        type_ = MetricType::kUnknown;
      } else {
        return Fatal(text_start, "invalid metric type " + Quote(text));
      }
      text_ = text;
      break;
    default:
      unit = text;
      if (!unit.empty() && !(family_.size() > unit.size() && EndsWith(family_, unit) &&
                             family_[family_.size() - unit.size() - 1] == '_')) {
        return Fatal(text_start, "unit not a suffix of metric " + Quote(family_));
      }
      text_ = text;
      break;
  }
  rules_.OnMetadata(kind, family_, type_, unit, entry_pos_);
  NewLine(pos_);
  return kind;
}

bool OpenMetricsParser::ParseLabels(size_t* pp, std::vector<LabelSpan>* out, bool exemplar) {
  const size_t n = body_.size();
  size_t p = *pp;
  if (p < n && body_[p] == '}') {
    *pp = p + 1;
    return true;
  }
  for (;;) {
    if (p >= n || !Is(body_[p], kLabelNameStart)) {
      return Fail(p, "expected label name");
    }
    size_t name_start = p;
    while (p < n && Is(body_[p], kLabelNameChar)) ++p;
    std::string_view name = body_.substr(name_start, p - name_start);
    if (p >= n || body_[p] != '=') {
      return Fail(p, "expected '=' after label name");
    }
    ++p;
    if (p >= n || body_[p] != '"') {
      return Fail(p, "expected quoted label value");
    }
    size_t quote = p;
    size_t value_start = ++p;
    bool escaped = false;
    bool non_ascii = false;
    for (;;) {
      p = FindLabelValueStop(body_, p);
      if (p >= n || body_[p] == '\n') {
        return Fail(quote, "unterminated label value");
      }
      char c = body_[p];
      if (c == '"') break;
      if (c == '\\') {
        if (p + 1 >= n || body_[p + 1] == '\n') {
          return Fail(p, "backslash at the end of a line in a label value");
        }
        non_ascii |= static_cast<unsigned char>(body_[p + 1]) >= 0x80;
        escaped = true;
        p += 2;
        continue;
      }
      non_ascii = true;  // a byte >= 0x80
      ++p;
    }
    std::string_view value = body_.substr(value_start, p - value_start);
    ++p;
    if (non_ascii && !IsValidUtf8(value)) {
      return Fail(quote, "invalid UTF-8 label value");
    }
    // Duplicates in exemplar labels are left to the semantic rules: the
    // scraper only rejects them in a series.
    if (!exemplar && IsDuplicateLabel(name)) {
      return Fail(name_start, "label name " + Quote(name) + " is not unique");
    }
    out->push_back(LabelSpan{name, value, escaped});
    if (p < n && body_[p] == ',') {
      ++p;
      continue;
    }
    if (p < n && body_[p] == '}') {
      *pp = p + 1;
      return true;
    }
    return Fail(p, "expected ',' or '}' after label value");
  }
}

bool OpenMetricsParser::ParseExemplar(size_t* pp) {
  const size_t n = body_.size();
  size_t p = *pp;
  if (!EndsWith(name_, "_total") && !EndsWith(name_, "_bucket")) {
    return Fail(p + 1, "metric name " + std::string(name_) + " does not support exemplars");
  }
  p += 4;  // " # {"
  ex_labels_.clear();
  if (!ParseLabels(&p, &ex_labels_, true)) return false;
  size_t value_at = p + 1;
  std::string_view value = SpaceToken(&p);
  if (value.empty()) {
    return Fail(p, "expected value after exemplar labels");
  }
  if (!ParseGoFloat(value, &ex_value_)) {
    return Fail(value_at, "invalid exemplar value " + Quote(value));
  }
  ex_has_ts_ = false;
  if (p >= n) {
    return Fail(p, "data does not end with # EOF");
  }
  if (body_[p] != '\n') {
    size_t ts_at = p + 1;
    std::string_view ts = SpaceToken(&p);
    if (ts.empty()) {
      return Fail(p, "expected timestamp or end of line after the exemplar value");
    }
    double seconds;
    if (!ParseGoFloat(ts, &seconds)) {
      return Fail(ts_at, "invalid exemplar timestamp " + Quote(ts));
    }
    if (!std::isfinite(seconds)) {
      return Fail(ts_at, "invalid exemplar timestamp");
    }
    ex_ts_ = SecondsToMs(seconds);
    ex_has_ts_ = true;
    if (p >= n || body_[p] != '\n') {
      return Fail(p, "expected end of line after the exemplar timestamp");
    }
  }
  has_exemplar_ = true;
  *pp = p;
  return true;
}

Result<Parser::Entry> OpenMetricsParser::ParseSample(size_t start) {
  const size_t n = body_.size();
  BeginSeries(start);
  size_t p = start;
  while (p < n && Is(body_[p], kMetricNameChar)) ++p;
  name_ = body_.substr(start, p - start);
  if (p < n && body_[p] == '{') {
    ++p;
    if (!ParseLabels(&p, &labels_, false)) return fatal();
  }
  series_ = body_.substr(start, p - start);

  size_t value_at = p + 1;
  std::string_view value = SpaceToken(&p);
  if (value.empty()) return Fatal(p, "expected value after metric");
  if (!ParseGoFloat(value, &value_)) return Fatal(value_at, "invalid value " + Quote(value));

  if (p >= n) return Fatal(p, "data does not end with # EOF");
  if (body_[p] != '\n') {
    if (IsExemplarStart(body_, p)) {
      if (!ParseExemplar(&p)) return fatal();
    } else {
      size_t ts_at = p + 1;
      std::string_view ts = SpaceToken(&p);
      if (ts.empty()) return Fatal(p, "expected timestamp or exemplar");
      double seconds;
      if (!ParseGoFloat(ts, &seconds)) return Fatal(ts_at, "invalid timestamp " + Quote(ts));
      if (!std::isfinite(seconds)) return Fatal(ts_at, "invalid timestamp " + Quote(ts));
      ts_ = SecondsToMs(seconds);
      if (p >= n) return Fatal(p, "data does not end with # EOF");
      if (body_[p] != '\n') {
        if (!IsExemplarStart(body_, p))
          return Fatal(p, "expected exemplar or end of line after timestamp");
        if (!ParseExemplar(&p)) return fatal();
      }
    }
  }
  // p is at the newline.
  pos_ = p + 1;
  rules_.OnSample(*this, entry_pos_);
  NewLine(pos_);
  return Entry::kSeries;
}

}  // namespace vigil::expfmt::internal
