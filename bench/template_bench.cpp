// Rule templates: parsing and expanding a typical alert annotation, as the
// rules manager does for every alert at every evaluation (Prometheus parses
// the template each time; expanding a parsed one is the cache's cost).
#include <benchmark/benchmark.h>

#include "vigil/template/template.h"

namespace {

using namespace vigil::tmpl;

constexpr std::string_view kAnnotation =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}"
    "{{ $labels.instance }} of job {{ $labels.job }} has a 5xx ratio of "
    "{{ $value | humanizePercentage }} ({{ printf \"%.2f\" $value }}) over 5m"
    "{{ if gt $value 0.1 }} — critical{{ end }}";

Value AlertData() {
  return Value(Map{{"Labels", Value(Map{{"__name__", "http_requests_total"},
                                        {"instance", "api-7.example.com:8080"},
                                        {"job", "api"},
                                        {"severity", "page"}})},
                   {"ExternalLabels", Value(Map{{"cluster", "eu-1"}})},
                   {"ExternalURL", "http://vigil:9090"},
                   {"Value", 0.1234}});
}

void BM_TemplateParseAndExpand(benchmark::State& state) {
  FuncMap functions = PrometheusFunctions(nullptr);
  Value data = AlertData();
  for (auto _ : state) {
    auto t = Template::Parse("__alert_HighErrorRate", kAnnotation, functions);
    benchmark::DoNotOptimize(t->Execute(data));
  }
}
BENCHMARK(BM_TemplateParseAndExpand);

// The fixed cost of a parse: the function table and the tree's bookkeeping.
void BM_TemplateParseEmpty(benchmark::State& state) {
  FuncMap functions = PrometheusFunctions(nullptr);
  for (auto _ : state) benchmark::DoNotOptimize(Template::Parse("t", "", functions));
}
BENCHMARK(BM_TemplateParseEmpty);

void BM_TemplateExpand(benchmark::State& state) {
  auto t = Template::Parse("__alert_HighErrorRate", kAnnotation, PrometheusFunctions(nullptr));
  Value data = AlertData();
  for (auto _ : state) benchmark::DoNotOptimize(t->Execute(data));
}
BENCHMARK(BM_TemplateExpand);

}  // namespace
