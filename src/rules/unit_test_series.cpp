#include "unit_test_series.h"

#include <string>

// The expanding notation is the PromQL test scripts'; the runner of those
// (src/promql) owns its parser.
#include "../promql/test_script.h"
#include "vigil/promql/parser.h"

namespace vigil::rules::internal {
namespace {

// The length of the series description at the start of `line`: up to the
// first blank outside braces and quotes (all of it when a brace is unclosed,
// so the parser reports where the description breaks).
size_t SeriesLength(std::string_view line) {
  bool in_braces = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == '\\' && quote != '`') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (in_braces) {
      if (c == '"' || c == '\'' || c == '`') quote = c;
      if (c == '}') in_braces = false;
    } else if (c == '{') {
      in_braces = true;
    } else if (c == ' ' || c == '\t') {
      return i;
    }
  }
  return line.size();
}

// Where the first matcher operator other than `=` is, outside quotes, and
// its text; npos when there is none.
size_t NonEqualOperator(std::string_view text, std::string_view* op) {
  char quote = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\' && quote != '`') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if ((c == '=' && text[i + 1] == '~') ||
               (c == '!' && (text[i + 1] == '=' || text[i + 1] == '~'))) {
      *op = text.substr(i, 2);
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

Result<model::Labels> ParseSeriesLabels(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return model::Labels();
  VIGIL_ASSIGN_OR_RETURN(std::vector<model::Matcher> matchers, promql::ParseMetricSelector(text));
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const model::Matcher& m : matchers) {
    if (m.type() != model::MatchType::kEqual) {
      std::string_view op = "=~";
      size_t pos = NonEqualOperator(text, &op);
      return InvalidArgument(promql::FormatParseError(
          text, pos == std::string_view::npos ? 0 : static_cast<int>(pos),
          "unexpected <op:" + std::string(op) + "> in label set, expected \"=\""));
    }
    bool repeated = false;
    for (const auto& p : pairs) repeated = repeated || p.first == m.name();
    if (!repeated) pairs.emplace_back(m.name(), m.value());
  }
  return model::Labels::FromPairs(std::move(pairs));
}

Result<InputSeriesValues> ParseInputSeries(std::string_view series, std::string_view values) {
  const std::string line = std::string(series) + " " + std::string(values);
  const size_t series_length = SeriesLength(line);
  InputSeriesValues out;
  VIGIL_ASSIGN_OR_RETURN(out.labels, ParseSeriesLabels(std::string_view(line).substr(0, series_length)));
  const std::string_view rest = std::string_view(line).substr(series_length);
  Result<promql::internal::SeriesValues> parsed = promql::internal::ParseSeriesValues(rest);
  if (parsed.ok()) {
    out.values = std::move(*parsed);
    return out;
  }
  // Point at the first value that does not parse on its own.
  size_t pos = 0;
  while (pos < rest.size()) {
    const size_t start = rest.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos) break;
    const size_t end = std::min(rest.find_first_of(" \t", start), rest.size());
    if (!promql::internal::ParseSeriesValues(rest.substr(start, end - start)).ok()) {
      pos = start;
      break;
    }
    pos = end;
  }
  return InvalidArgument(promql::FormatParseError(line, static_cast<int>(series_length + pos),
                                                  parsed.status().message()));
}

}  // namespace vigil::rules::internal
