#include "text_parser.h"

#include <cstring>
#include <string>

#include "lex_util.h"
#include "word_scan.h"

namespace vigil::expfmt::internal {
namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool AllBlank(std::string_view s) {
  for (char c : s) {
    if (!Is(c, kBlank)) return false;
  }
  return true;
}

}  // namespace

TextParser::TextParser(std::string_view body) : ParserBase(body), rules_(&violations_) {
  if (!body.empty() && body.back() != '\n') {
    size_t nl = body.rfind('\n');
    std::string_view last = nl == std::string_view::npos ? body : body.substr(nl + 1);
    missing_final_newline_ = !AllBlank(last);
  }
}

size_t TextParser::Eol(size_t from) const {
  if (from >= body_.size()) return body_.size();
  const void* nl = std::memchr(body_.data() + from, '\n', body_.size() - from);
  return nl == nullptr ? body_.size() : static_cast<const char*>(nl) - body_.data();
}

// The body is read as if it ended with one more newline, as Prometheus does.
Result<Parser::Entry> TextParser::Step() {
  const size_t n = body_.size();
  for (;;) {
    if (done_) return Entry::kEnd;
    size_t i = SkipBlanks(pos_);
    if (i >= n) {
      done_ = true;
      pos_ = n;
      if (missing_final_newline_) {
        Semantic(PositionAt(n), "unexpected end of input stream: no newline after the last line");
      }
      return Entry::kEnd;
    }
    char c = body_[i];
    if (c == '\n') {
      pos_ = i + 1;
      NewLine(pos_);
      continue;
    }
    if (c == '\0') {
      // Prometheus's lexer takes a NUL at the start of a line for the end.
      done_ = true;
      Semantic(PositionAt(i), "NUL byte: the rest of the body is ignored");
      return Entry::kEnd;
    }
    if (c == '#') return ParseComment(i);
    if (Is(c, kMetricNameStart)) return ParseSample(i);
    return Fatal(i, "expected a metric name, a comment or a blank line, got " +
                        Quote(std::string_view(&body_[i], 1)));
  }
}

void TextParser::CheckHelpEscapes(std::string_view text, size_t offset) {
  for (size_t k = 0; k < text.size(); ++k) {
    if (text[k] != '\\') continue;
    if (k + 1 < text.size() && (text[k + 1] == '\\' || text[k + 1] == 'n')) {
      ++k;
      continue;
    }
    std::string seq = k + 1 < text.size() ? std::string(1, text[k + 1]) : "\\n";
    Semantic(PositionAt(offset + k), "invalid escape sequence '\\" + seq + "' in HELP");
    return;
  }
}

Result<Parser::Entry> TextParser::ParseComment(size_t start) {
  const size_t n = body_.size();
  entry_pos_ = PositionAt(start);
  size_t p = start + 1;
  if (p < n && Is(body_[p], kBlank)) {
    p = SkipBlanks(p);
    std::string_view word = body_.substr(p, 4);
    bool help = word == "HELP";
    bool type = word == "TYPE";
    if ((help || type) && p + 4 < n && Is(body_[p + 4], kBlank)) {
      const char* what = help ? "HELP" : "TYPE";
      p = SkipBlanks(p + 4);
      if (p >= n || !Is(body_[p], kMetricNameStart)) {
        return Fatal(p, std::string("expected metric name after ") + what);
      }
      size_t name_start = p;
      while (p < n && Is(body_[p], kMetricNameChar)) ++p;
      family_ = body_.substr(name_start, p - name_start);
      size_t eol = Eol(p);
      std::string_view rest = body_.substr(p, eol - p);
      // Prometheus drops the character after the name, whatever it is.
      bool blank = AllBlank(rest);
      std::string_view text = blank ? std::string_view() : rest.substr(1);
      if (!blank && !Is(rest[0], kBlank)) {
        Semantic(PositionAt(p), "invalid metric name in comment");
      }
      pos_ = eol;
      if (help) {
        if (!IsValidUtf8(text)) return Fatal(p, "help text is not a valid UTF-8 string");
        size_t go_start = SkipBlanks(p);
        CheckHelpEscapes(body_.substr(go_start, eol - go_start), go_start);
        if (text.find('\\') != std::string_view::npos) {
          text_buf_.clear();
          AppendUnescapedTextHelp(text, &text_buf_);
          text_ = text_buf_;
        } else {
          text_ = text;
        }
        rules_.OnHelp(family_, entry_pos_);
        return Entry::kHelp;
      }
      if (text == "counter") {
        type_ = MetricType::kCounter;
      } else if (text == "gauge") {
        type_ = MetricType::kGauge;
      } else if (text == "histogram") {
        type_ = MetricType::kHistogram;
      } else if (text == "summary") {
        type_ = MetricType::kSummary;
      } else if (text == "untyped") {
        type_ = MetricType::kUnknown;
      } else {
        return Fatal(blank ? p : p + 1, "invalid metric type " + Quote(text));
      }
      text_ = text;
      rules_.OnType(family_, type_, entry_pos_);
      return Entry::kType;
    }
  }
  size_t eol = Eol(start);
  family_ = {};
  text_ = body_.substr(start + 1, eol - start - 1);
  pos_ = eol;
  return Entry::kComment;
}

bool TextParser::ParseLabels(size_t* pp) {
  const size_t n = body_.size();
  size_t p = *pp;
  for (;;) {
    p = SkipBlanks(p);
    if (p < n && body_[p] == '}') {
      *pp = p + 1;
      return true;
    }
    if (p >= n || !Is(body_[p], kLabelNameStart)) {
      return Fail(p, "expected label name or '}'");
    }
    size_t name_start = p;
    while (p < n && Is(body_[p], kLabelNameChar)) ++p;
    std::string_view name = body_.substr(name_start, p - name_start);
    Position name_pos = PositionAt(name_start);
    p = SkipBlanks(p);
    if (p >= n || body_[p] != '=') {
      return Fail(p, "expected '=' after label name");
    }
    p = SkipBlanks(p + 1);
    if (p >= n || body_[p] != '"') {
      return Fail(p, "expected quoted label value");
    }
    Position quote_pos = PositionAt(p);
    size_t value_start = ++p;
    bool escaped = false;
    bool non_ascii = false;
    for (;;) {
      p = FindLabelValueStop(body_, p);
      if (p >= n) {
        return FailAt(quote_pos, "unterminated label value");
      }
      char c = body_[p];
      if (c == '"') break;
      if (c == '\\') {
        if (p + 1 >= n || body_[p + 1] == '\n') {
          return Fail(p, "backslash at the end of a line in a label value");
        }
        char e = body_[p + 1];
        if (e != '\\' && e != '"' && e != 'n') {
          Semantic(PositionAt(p), std::string("invalid escape sequence '\\") + e + "'");
        }
        non_ascii |= static_cast<unsigned char>(e) >= 0x80;
        escaped = true;
        p += 2;
        continue;
      }
      if (c == '\n') {
        Semantic(PositionAt(p), "label value contains an unescaped new line");
        ++p;
        NewLine(p);
        continue;
      }
      non_ascii = true;  // a byte >= 0x80
      ++p;
    }
    std::string_view value = body_.substr(value_start, p - value_start);
    ++p;
    if (non_ascii && !IsValidUtf8(value)) {
      return FailAt(quote_pos, "invalid UTF-8 label value");
    }
    if (IsDuplicateLabel(name)) {
      return FailAt(name_pos, "label name " + Quote(name) + " is not unique");
    }
    labels_.push_back(LabelSpan{name, value, escaped});
    p = SkipBlanks(p);
    if (p < n && body_[p] == ',') {
      ++p;
    } else if (p < n && Is(body_[p], kLabelNameStart)) {
      Semantic(PositionAt(p), "expected ',' between labels");
    }
  }
}

Result<Parser::Entry> TextParser::ParseSample(size_t start) {
  const size_t n = body_.size();
  BeginSeries(start);
  // Lines come in runs of one name: a compare with the previous sample's
  // name costs less than a byte loop whose exit mispredicts.
  const size_t previous = name_.size();
  const bool same_name = previous > 0 && body_.compare(start, previous, name_) == 0 &&
                         (start + previous == n || !Is(body_[start + previous], kMetricNameChar));
  size_t p = start + previous;
  if (!same_name) {
    p = start;
    while (p < n && Is(body_[p], kMetricNameChar)) ++p;
  }
  name_ = body_.substr(start, p - start);
  size_t series_end = p;
  p = SkipBlanks(p);
  if (p < n && body_[p] == '{') {
    ++p;
    if (!ParseLabels(&p)) return fatal();
    series_end = p;
    p = SkipBlanks(p);
  }
  series_ = body_.substr(start, series_end - start);

  size_t value_start = p;
  size_t plain_end = ParsePlainDecimal(body_, p, &value_);
  if (plain_end != std::string_view::npos &&
      (plain_end == n || body_[plain_end] == ' ' || body_[plain_end] == '\t' ||
       body_[plain_end] == '\n')) {
    p = plain_end;  // the common case: the value read in one pass
  } else {
    while (p < n) {
      char c = body_[p];
      if (c == ' ' || c == '\t' || c == '\n' || c == '{') break;
      ++p;
    }
    if (p == value_start) return Fatal(p, "expected value after metric");
    std::string_view value = body_.substr(value_start, p - value_start);
    if (!ParseGoFloat(value, &value_)) return Fatal(value_start, "invalid value " + Quote(value));
  }

  p = SkipBlanks(p);
  if (p < n && body_[p] != '\n') {
    if (!Is(body_[p], kDigit)) return Fatal(p, "expected timestamp or new record");
    size_t ts_start = p;
    while (p < n && Is(body_[p], kDigit)) ++p;
    int64_t ts;
    if (!ParseDecimalInt64(body_.substr(ts_start, p - ts_start), &ts)) {
      return Fatal(ts_start, "timestamp out of range");
    }
    ts_ = ts;
    p = SkipBlanks(p);
    if (p < n && body_[p] != '\n') return Fatal(p, "expected next entry after timestamp");
  }
  pos_ = p;
  rules_.OnSample(name_, same_name, labels_, entry_pos_);
  return Entry::kSeries;
}

}  // namespace vigil::expfmt::internal
