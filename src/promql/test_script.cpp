// Parsing the PromQL test-script format (see the conformance README):
// line-oriented commands, expanding series notation, expected results.
#include "test_script.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "vigil/base/duration.h"
#include "vigil/model/value.h"
#include "vigil/promql/parser.h"

namespace vigil::promql::internal {
namespace {

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Splits off the first whitespace-separated word.
std::string_view NextWord(std::string_view* s) {
  *s = Trim(*s);
  size_t sp = s->find_first_of(" \t");
  std::string_view w = s->substr(0, sp);
  *s = sp == std::string_view::npos ? std::string_view() : Trim(s->substr(sp));
  return w;
}

Status LineError(int line, std::string msg) {
  return InvalidArgument(std::to_string(line) + ": " + msg);
}

// Splits "<series> <values>" where the series may contain quoted spaces.
void SplitSeries(std::string_view line, std::string_view* series, std::string_view* rest) {
  size_t i = 0;
  bool in_braces = false;
  char quote = 0;
  for (; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == '\\' && quote != '`') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (in_braces) {
      if (c == '"' || c == '\'' || c == '`') quote = c;
      if (c == '}') in_braces = false;
      continue;
    }
    if (c == '{') {
      in_braces = true;
      continue;
    }
    if (c == ' ' || c == '\t') break;
  }
  *series = line.substr(0, i);
  *rest = i < line.size() ? Trim(line.substr(i)) : std::string_view();
}

Result<model::Labels> ParseSeriesLabels(std::string_view text) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<model::Matcher> matchers, ParseMetricSelector(text));
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const model::Matcher& m : matchers) {
    if (m.type() != model::MatchType::kEqual) {
      return InvalidArgument("series description must use = matchers: " + std::string(text));
    }
    bool dup = false;
    for (const auto& p : pairs) dup = dup || p.first == m.name();
    if (!dup) pairs.emplace_back(m.name(), m.value());
  }
  return model::Labels::FromPairs(std::move(pairs));
}

}  // namespace

std::optional<double> ParseTestNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string t(s);
  std::string lower = Lower(t);
  std::string_view body = lower;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body == "inf" || body == "infinity") {
    return lower[0] == '-' ? -INFINITY : INFINITY;
  }
  if (body == "nan") return std::nan("");
  if (body.starts_with("0x")) return std::nullopt;
  for (char c : body) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == '+' ||
          c == '-' || c == '_')) {
      return std::nullopt;
    }
  }
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return std::nullopt;
  return v;
}

Result<SeriesValues> ParseSeriesValues(std::string_view text) {
  SeriesValues out;
  std::string_view rest = text;
  while (true) {
    std::string_view tok = NextWord(&rest);
    if (tok.empty()) break;
    if (tok == "_") {
      out.push_back(std::nullopt);
      continue;
    }
    if (tok == "stale") {
      out.push_back(model::StaleNaN());
      continue;
    }
    if (auto v = ParseTestNumber(tok)) {
      out.push_back(*v);
      continue;
    }
    size_t x = tok.rfind('x');
    if (x == std::string_view::npos || x + 1 >= tok.size()) {
      return InvalidArgument("bad series value \"" + std::string(tok) + "\"");
    }
    std::string_view count_text = tok.substr(x + 1);
    int64_t n = 0;
    for (char c : count_text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        return InvalidArgument("bad repetition count in \"" + std::string(tok) + "\"");
      }
      n = n * 10 + (c - '0');
      if (n > 10'000'000) return InvalidArgument("repetition count too large");
    }
    std::string_view head = tok.substr(0, x);
    if (head == "_") {
      for (int64_t i = 0; i < n; ++i) out.push_back(std::nullopt);
      continue;
    }
    // a+b / a-b: the operator is not the leading sign nor an exponent's.
    size_t op = std::string_view::npos;
    for (size_t i = 1; i < head.size(); ++i) {
      if ((head[i] == '+' || head[i] == '-') && head[i - 1] != 'e' && head[i - 1] != 'E') {
        op = i;
        break;
      }
    }
    if (op == std::string_view::npos) {
      auto a = ParseTestNumber(head);
      if (!a) return InvalidArgument("bad series value \"" + std::string(tok) + "\"");
      for (int64_t i = 0; i <= n; ++i) out.push_back(*a);
      continue;
    }
    auto a = ParseTestNumber(head.substr(0, op));
    auto b = ParseTestNumber(head.substr(op + 1));
    if (!a || !b) return InvalidArgument("bad series value \"" + std::string(tok) + "\"");
    double step = head[op] == '-' ? -*b : *b;
    double v = *a;
    for (int64_t i = 0; i <= n; ++i) {
      out.push_back(v);
      v += step;
    }
  }
  return out;
}

Result<std::vector<TestCommand>> ParseTestScript(std::string_view content) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= content.size()) {
    size_t nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string_view l = Trim(content.substr(pos, nl - pos));
    if (l.starts_with("#")) l = {};
    lines.push_back(l);
    pos = nl + 1;
  }
  std::vector<TestCommand> cmds;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = lines[i];
    if (l.empty()) continue;
    const int line_no = static_cast<int>(i) + 1;
    std::string_view rest = l;
    std::string word = Lower(NextWord(&rest));
    TestCommand cmd;
    cmd.line = line_no;
    if (word == "clear") {
      cmd.kind = TestCommand::Kind::kClear;
      cmds.push_back(std::move(cmd));
      continue;
    }
    if (word == "load") {
      cmd.kind = TestCommand::Kind::kLoad;
      auto step = ParseDuration(Trim(rest));
      if (!step.ok()) return LineError(line_no, "invalid step in load: " + std::string(rest));
      cmd.step_ms = step->count();
      for (; i + 1 < lines.size() && !lines[i + 1].empty(); ++i) {
        std::string_view series, values;
        SplitSeries(lines[i + 1], &series, &values);
        auto labels = ParseSeriesLabels(series);
        if (!labels.ok()) return LineError(static_cast<int>(i) + 2, labels.status().message());
        auto vals = ParseSeriesValues(values);
        if (!vals.ok()) return LineError(static_cast<int>(i) + 2, vals.status().message());
        // As upstream, a series defined twice in one block keeps the later values.
        auto same = std::find_if(cmd.series.begin(), cmd.series.end(),
                                 [&](const LoadSeriesDef& d) { return d.labels == *labels; });
        if (same != cmd.series.end()) {
          same->values = std::move(*vals);
        } else {
          cmd.series.push_back({std::move(*labels), std::move(*vals)});
        }
      }
      cmds.push_back(std::move(cmd));
      continue;
    }
    if (word == "eval" || word == "eval_fail" || word == "eval_ordered" || word == "eval_warn" ||
        word == "eval_info") {
      cmd.kind = TestCommand::Kind::kEval;
      cmd.fail = word == "eval_fail";
      cmd.ordered = word == "eval_ordered";
      std::string mode = Lower(NextWord(&rest));
      auto dur = [&](std::string_view w) -> Result<int64_t> {
        VIGIL_ASSIGN_OR_RETURN(Duration d, ParseDuration(w));
        return static_cast<int64_t>(d.count());
      };
      if (mode == "instant") {
        if (Lower(NextWord(&rest)) != "at") return LineError(line_no, "expected 'at'");
        auto t = dur(NextWord(&rest));
        if (!t.ok()) return LineError(line_no, t.status().message());
        cmd.start = cmd.end = *t;
      } else if (mode == "range") {
        if (Lower(NextWord(&rest)) != "from") return LineError(line_no, "expected 'from'");
        auto s = dur(NextWord(&rest));
        if (Lower(NextWord(&rest)) != "to") return LineError(line_no, "expected 'to'");
        auto e = dur(NextWord(&rest));
        if (Lower(NextWord(&rest)) != "step") return LineError(line_no, "expected 'step'");
        auto st = dur(NextWord(&rest));
        if (!s.ok() || !e.ok() || !st.ok()) return LineError(line_no, "invalid range eval times");
        cmd.range = true;
        cmd.start = *s;
        cmd.end = *e;
        cmd.interval_ms = *st;
      } else {
        return LineError(line_no, "expected 'instant' or 'range' after " + word);
      }
      cmd.expr = std::string(rest);
      if (cmd.expr.empty()) return LineError(line_no, "missing expression");
      for (; i + 1 < lines.size() && !lines[i + 1].empty(); ++i) {
        std::string_view def = lines[i + 1];
        ExpectedSeries exp;
        exp.line = static_cast<int>(i) + 2;
        if (auto v = ParseTestNumber(def)) {
          exp.values.push_back(*v);
          cmd.expected.push_back(std::move(exp));
          continue;
        }
        std::string_view series, values;
        SplitSeries(def, &series, &values);
        auto labels = ParseSeriesLabels(series);
        if (!labels.ok()) return LineError(exp.line, labels.status().message());
        auto vals = ParseSeriesValues(values);
        if (!vals.ok()) return LineError(exp.line, vals.status().message());
        exp.labels = std::move(*labels);
        exp.values = std::move(*vals);
        cmd.expected.push_back(std::move(exp));
      }
      cmds.push_back(std::move(cmd));
      continue;
    }
    return LineError(line_no, "unknown command \"" + std::string(l) + "\"");
  }
  return cmds;
}

}  // namespace vigil::promql::internal
