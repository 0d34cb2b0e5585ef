// Every label and annotation template of the rule files in the shared
// conformance corpus parses, with the variables Prometheus defines, and
// executes on a typical alert.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "vigil/template/template.h"

namespace vigil::tmpl {
namespace {

constexpr std::string_view kPrometheusPrefix =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

Result<Value> OneSampleQuery(std::string_view) {
  return Value(List{Value(Map{{"Labels", Value(Map{{"instance", "a:9100"}})}, {"Value", 42.0}})});
}

Value AlertData() {
  return Value(Map{{"Labels", Value(Map{{"instance", "host:9100"}, {"job", "node"}})},
                   {"ExternalLabels", Value(Map{{"cluster", "c1"}})},
                   {"ExternalURL", "http://vigil:9090"},
                   {"Value", 0.75}});
}

TEST(ConformanceRulesTest, AllTemplatesParseAndExecute) {
  FuncMap functions = PrometheusFunctions(OneSampleQuery, "http://vigil:9090");
  int templates = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(VIGIL_RULES_DIR)) {
    std::string ext = entry.path().extension();
    if (ext != ".yml" && ext != ".yaml") continue;
    YAML::Node file = YAML::LoadFile(entry.path());
    for (const auto& group : file["groups"]) {
      for (const auto& rule : group["rules"]) {
        for (const char* section : {"labels", "annotations"}) {
          for (const auto& item : rule[section]) {
            std::string where = entry.path().string() + ": " + item.first.as<std::string>();
            std::string text = std::string(kPrometheusPrefix) + item.second.as<std::string>();
            auto t = Template::Parse("__alert_x", text, functions);
            ASSERT_TRUE(t.ok()) << where << ": " << t.status().message();
            auto out = t->Execute(AlertData());
            EXPECT_TRUE(out.ok()) << where << ": " << out.status().message();
            ++templates;
          }
        }
      }
    }
  }
  EXPECT_GT(templates, 500);
}

}  // namespace
}  // namespace vigil::tmpl
