// Annotation templates rendered by Debian's promtool 2.42 (recorded in
// testdata/promtool_annotations.txt) render the same here, errors included.
#include <gtest/gtest.h>

#include <fstream>

#include "vigil/template/template.h"

namespace vigil::tmpl {
namespace {

constexpr std::string_view kPrometheusPrefix =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";
// How Prometheus's rule manager shows a template that failed.
constexpr std::string_view kErrorPrefix =
    "<error expanding template: error executing template __alert_TmplDiff: ";

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s[i + 1] == 'n' ? '\n' : s[i + 1];
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

TEST(PromtoolGoldenTest, AnnotationsRenderAsPromtool242) {
  std::ifstream file(VIGIL_TEMPLATE_TESTDATA "/promtool_annotations.txt");
  ASSERT_TRUE(file) << "missing testdata";
  Value data(Map{{"Labels", Value(Map{{"__name__", "up"}, {"instance", "host:9100"}, {"job", "node"}})},
                 {"ExternalLabels", Value(Map{})},
                 {"ExternalURL", ""},
                 {"Value", 0.75}});
  // The test's only series, as promtool's query function returns it.
  Value up(Map{{"Labels", Value(Map{{"__name__", "up"}, {"instance", "host:9100"}, {"job", "node"}})},
               {"Value", 0.75}});
  FuncMap functions = PrometheusFunctions([&up](std::string_view expr) -> Result<Value> {
    return expr == "up" ? Value(List{up}) : Value(List{});
  });
  std::string line;
  std::string text;
  int cases = 0;
  while (std::getline(file, line)) {
    if (line.starts_with("T: ")) {
      text = line.substr(3);
      continue;
    }
    if (!line.starts_with("W: ")) continue;
    std::string want = Unescape(std::string_view(line).substr(3));
    ++cases;
    auto t = Template::Parse("__alert_TmplDiff", std::string(kPrometheusPrefix) + text, functions);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().message();
    auto out = t->Execute(data);
    if (want.starts_with(kErrorPrefix)) {
      std::string want_error = want.substr(kErrorPrefix.size(), want.size() - kErrorPrefix.size() - 1);
      EXPECT_EQ(out.status().message(), want_error) << text;
    } else {
      ASSERT_TRUE(out.ok()) << text << ": " << out.status().message();
      EXPECT_EQ(*out, want) << text;
    }
  }
  EXPECT_GE(cases, 30);
}

TEST(PromtoolGoldenTest, ParseErrorsAsPromtool242) {
  std::ifstream file(VIGIL_TEMPLATE_TESTDATA "/promtool_parse_errors.txt");
  ASSERT_TRUE(file) << "missing testdata";
  FuncMap functions = PrometheusFunctions(nullptr);
  std::string line;
  std::string text;
  int cases = 0;
  while (std::getline(file, line)) {
    if (line.starts_with("T: ")) {
      text = line.substr(3);
      continue;
    }
    if (!line.starts_with("E: ")) continue;
    std::string want = line.substr(3);
    ++cases;
    auto t = Template::Parse("__alert_Bad", text, functions);
    EXPECT_EQ(t.ok() ? "OK" : t.status().message(), want) << text;
  }
  EXPECT_GE(cases, 30);
}

}  // namespace
}  // namespace vigil::tmpl
