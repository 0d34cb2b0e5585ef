#include "parser_base.h"

#include <utility>

#include "lex_util.h"

namespace vigil::expfmt::internal {
namespace {

model::Labels DecodeLabels(std::string_view metric_name, const std::vector<LabelSpan>& spans) {
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(spans.size() + 1);
  if (!metric_name.empty()) pairs.emplace_back(std::string(model::kMetricName), metric_name);
  for (const LabelSpan& l : spans) {
    std::string value;
    if (l.escaped) {
      AppendUnescapedLabelValue(l.value, &value);
    } else {
      value.assign(l.value);
    }
    pairs.emplace_back(std::string(l.name), std::move(value));
  }
  return model::Labels::FromPairs(std::move(pairs));
}

}  // namespace

std::string_view LabelValue(const LabelSpan& l, std::string* scratch) {
  if (!l.escaped) return l.value;
  scratch->clear();
  AppendUnescapedLabelValue(l.value, scratch);
  return *scratch;
}

Result<Parser::Entry> ParserBase::Next() {
  if (!fatal_.ok()) return fatal_;
  return Step();
}

Status ParserBase::Fatal(size_t offset, std::string_view message) {
  return FatalAt(PositionAt(offset), message);
}

Status ParserBase::FatalAt(Position at, std::string_view message) {
  Violation v{at, std::string(message), true};
  fatal_ = InvalidArgument(v.ToString());
  return fatal_;
}

void ParserBase::Semantic(Position at, std::string message) {
  violations_.push_back(Violation{at, std::move(message), false});
}

void ParserBase::Labels(model::Labels* out) const { *out = DecodeLabels(name_, labels_); }

const Exemplar* ParserBase::CurrentExemplar() const {
  if (!has_exemplar_) return nullptr;
  if (!exemplar_built_) {
    exemplar_.labels = DecodeLabels({}, ex_labels_);
    exemplar_.value = ex_value_;
    exemplar_.timestamp_ms = ex_has_ts_ ? std::optional<int64_t>(ex_ts_) : std::nullopt;
    exemplar_built_ = true;
  }
  return &exemplar_;
}

}  // namespace vigil::expfmt::internal
