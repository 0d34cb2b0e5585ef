#include "alert_template.h"

#include "vigil/base/format_float.h"
#include "vigil/base/log.h"

namespace vigil::rules {
namespace {

constexpr std::string_view kPrelude =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

tmpl::Map LabelsMap(const model::Labels& labels) {
  tmpl::Map m;
  for (const model::Label& l : labels) m.emplace(std::string(l.name), std::string(l.value));
  return m;
}

// One element of a `query` result, as Prometheus's template sample struct.
class QuerySample final : public tmpl::Object {
 public:
  QuerySample(tmpl::Map labels, double value) : labels_(std::move(labels)), value_(value) {}
  std::optional<tmpl::Value> Field(std::string_view name) const override {
    if (name == "Labels") return tmpl::Value(labels_);
    if (name == "Value") return tmpl::Value(value_);
    return std::nullopt;
  }
  std::string ToString() const override {
    return "{" + tmpl::Value(labels_).ToString() + " " + tmpl::Value(value_).ToString() + "}";
  }

 private:
  tmpl::Map labels_;
  double value_;
};

std::string TemplateName(std::string_view alert_name) {
  return "__alert_" + std::string(alert_name);
}

}  // namespace

tmpl::FuncMap AlertFunctions(const EvalContext& ctx, TimestampMs ts) {
  tmpl::QueryFunction query = [ctx, ts](std::string_view expr) -> Result<tmpl::Value> {
    Result<promql::QueryResult> r = ctx.engine->Instant(*ctx.queryable, expr, ts);
    if (!r.ok()) return r.status();
    tmpl::List samples;
    if (const auto* v = std::get_if<promql::Vector>(&r->value)) {
      for (const promql::Sample& s : *v) {
        samples.emplace_back(std::make_shared<const QuerySample>(LabelsMap(s.labels), s.v));
      }
    } else if (const auto* s = std::get_if<promql::Scalar>(&r->value)) {
      samples.emplace_back(std::make_shared<const QuerySample>(tmpl::Map{}, s->v));
    } else {
      return InvalidArgument("rule result is not a vector or scalar");
    }
    return tmpl::Value(std::move(samples));
  };
  return tmpl::PrometheusFunctions(std::move(query), ctx.external_url);
}

Status CheckAlertTemplate(std::string_view alert_name, std::string_view text) {
  // `query` must exist for parsing; it never runs here.
  static const tmpl::FuncMap functions = tmpl::PrometheusFunctions(
      [](std::string_view) -> Result<tmpl::Value> { return tmpl::Value(tmpl::List{}); });
  std::string full = std::string(kPrelude) + std::string(text);
  Result<tmpl::Template> t = tmpl::Template::Parse(TemplateName(alert_name), full, functions);
  return t.ok() ? Status::Ok() : t.status();
}

std::string ExpandAlertTemplate(std::string_view alert_name, std::string_view text,
                                const model::Labels& series_labels, double value,
                                const EvalContext& ctx, const tmpl::FuncMap& functions) {
  // Most label values and many annotations are plain text.
  if (text.find("{{") == std::string_view::npos) return std::string(text);
  tmpl::Map data;
  data.emplace("Labels", LabelsMap(series_labels));
  data.emplace("ExternalLabels", LabelsMap(ctx.external_labels));
  data.emplace("ExternalURL", ctx.external_url);
  data.emplace("Value", value);
  std::string full = std::string(kPrelude) + std::string(text);
  Result<tmpl::Template> t = tmpl::Template::Parse(TemplateName(alert_name), full, functions);
  Result<std::string> out = t.ok() ? t->Execute(tmpl::Value(std::move(data))) : t.status();
  if (out.ok()) return *std::move(out);
  log::Warn("Expanding alert template failed",
            {{"alertname", alert_name}, {"err", out.status().message()}});
  return "<error expanding template: " + out.status().message() + ">";
}

}  // namespace vigil::rules
