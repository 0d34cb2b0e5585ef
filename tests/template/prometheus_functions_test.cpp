// Prometheus 2.42's rule-template functions; expected texts follow
// Prometheus's template_test.go and Go's formatting.
#include <gtest/gtest.h>

#include "vigil/template/template.h"

namespace vigil::tmpl {
namespace {

Value Sample(std::string instance, double value) {
  return Value(Map{{"Labels", Value(Map{{"__name__", "up"}, {"instance", std::move(instance)}})},
                   {"Value", value}});
}

Result<Value> FakeQuery(std::string_view expr) {
  if (expr == "up") return Value(List{Sample("b:9100", 1), Sample("a:9100", 0)});
  if (expr == "none") return Value(List{});
  return InvalidArgument("parse error: unexpected character");
}

struct Case {
  std::string text;
  std::string want;  // output, or the error message when error is true
  bool error = false;
};

void RunCases(const std::vector<Case>& cases) {
  FuncMap functions = PrometheusFunctions(FakeQuery, "https://prom.example.com:9090/prefix/");
  for (const Case& c : cases) {
    auto t = Template::Parse("t", c.text, functions);
    std::string got;
    std::string error;
    if (!t.ok()) {
      error = t.status().message();
    } else if (auto out = t->Execute(Value()); out.ok()) {
      got = *out;
    } else {
      error = out.status().message();
    }
    if (c.error) {
      EXPECT_EQ(error, c.want) << c.text;
    } else {
      EXPECT_EQ(error, "") << c.text;
      EXPECT_EQ(got, c.want) << c.text;
    }
  }
}

TEST(PrometheusFunctionsTest, Humanize) {
  RunCases({
      {"{{ humanize 0 }} {{ humanize 1 }} {{ humanize 1234567.0 }} {{ humanize -1234 }}",
       "0 1 1.235M -1.234k"},
      {"{{ humanize 0.1 }} {{ humanize 0.0001234 }} {{ humanize 1e30 }} {{ humanize \"1234\" }}",
       "100m 123.4u 1e+06Y 1.234k"},
      {"{{ humanize1024 1 }} {{ humanize1024 1.5 }} {{ humanize1024 1024 }} "
       "{{ humanize1024 1048576 }} {{ humanize1024 1500000000 }}",
       "1 1.5 1ki 1Mi 1.397Gi"},
      {"{{ humanizeDuration 0 }} {{ humanizeDuration 1 }} {{ humanizeDuration 1.5 }} "
       "{{ humanizeDuration 60 }} {{ humanizeDuration 3600 }} {{ humanizeDuration 93784 }}",
       "0s 1s 1.5s 1m 0s 1h 0m 0s 1d 2h 3m 4s"},
      {"{{ humanizeDuration 0.1 }} {{ humanizeDuration 0.00125 }} {{ humanizeDuration 0.0001 }} "
       "{{ humanizeDuration -90 }} {{ humanizeDuration \"2\" }}",
       "100ms 1.25ms 100us -1m 30s 2s"},
      {"{{ humanizePercentage 0.1234567 }} {{ humanizePercentage 1 }} {{ humanizePercentage 0.001 }}",
       "12.35% 100% 0.1%"},
      {"{{ humanizeTimestamp 1435065584.128 }}|{{ humanizeTimestamp 0 }}",
       "2015-06-23 13:19:44.128 +0000 UTC|1970-01-01 00:00:00 +0000 UTC"},
      {"{{ humanize \"a\" }}",
       "template: t:1:3: executing \"t\" at <humanize \"a\">: error calling humanize: "
       "strconv.ParseFloat: parsing \"a\": invalid syntax",
       true},
      {"{{ humanize \"0x10\" }}",
       "template: t:1:3: executing \"t\" at <humanize \"0x10\">: error calling humanize: "
       "strconv.ParseFloat: parsing \"0x10\": invalid syntax",
       true},
      {"{{ humanize \"0x1p4\" }} {{ humanize \"-Inf\" }} {{ humanize \"NaN\" }} {{ humanize \"1e-3\" }}",
       "16 -Inf NaN 1m"},
      {"{{ humanize true }}",
       "template: t:1:3: executing \"t\" at <humanize true>: error calling humanize: can't "
       "convert bool to float",
       true},
  });
}

TEST(PrometheusFunctionsTest, Strings) {
  RunCases({
      {"{{ title \"aa bb-cc_dd\" }} {{ toUpper \"aBc\" }} {{ toLower \"AbC\" }}",
       "Aa Bb-Cc_dd ABC abc"},
      // Recorded from promtool 2.42 (Go's strings.Title).
      {"{{ title \"hello wORLD foo_bar-baz a.b x:y o'neil 3rd ÉLAN\" }}",
       "Hello WORLD Foo_bar-Baz A.B X:Y O'Neil 3rd ÉLAN"},
      {"{{ reReplaceAll \"(a)b\" \"x$1\" \"abab\" }} {{ reReplaceAll \"a*\" \"-\" \"baaac\" }} "
       "{{ reReplaceAll \"(?P<h>[^:]+):.*\" \"${h}\" \"host:9100\" }}",
       "xaxa -b-c- host"},
      {"{{ match \"^a\" \"abc\" }} {{ match \"^b\" \"abc\" }}", "true false"},
      {"{{ match \"(\" \"abc\" }}",
       "template: t:1:3: executing \"t\" at <match \"(\" \"abc\">: error calling match: error "
       "parsing regexp: missing ): (",
       true},
      {"{{ stripPort \"foo.com:12345\" }} {{ stripPort \"[::1]:8080\" }} {{ stripPort \"foo\" }}",
       "foo.com ::1 foo"},
      {"{{ stripDomain \"foo.example.com:12345\" }} {{ stripDomain \"192.168.0.1:9100\" }} "
       "{{ stripDomain \"[2001:db8::1]:8080\" }} {{ stripDomain \"foo.example.com\" }}",
       "foo:12345 192.168.0.1:9100 [2001:db8::1]:8080 foo"},
      {"{{ parseDuration \"1h2m10ms\" }}", "3720.01"},
      {"{{ graphLink \"up > 0\" }} {{ tableLink \"up\" }}",
       "/graph?g0.expr=up+%3E+0&g0.tab=0 /graph?g0.expr=up&g0.tab=1"},
      {"{{ externalURL }} {{ pathPrefix }}", "https://prom.example.com:9090/prefix/ /prefix/"},
      {"{{ \"<b>\" | safeHtml }}", "<b>"},
      {"{{ define \"x\" }}{{ .arg0 }}-{{ .arg1 }}{{ end }}{{ template \"x\" (args 1 \"a\") }}",
       "1-a"},
      {"{{ (toTime 1.5).Unix }} {{ toTime 1 }} {{ (toTime 86400).Format \"2006-01-02\" }}",
       "1 1970-01-01 00:00:01 +0000 UTC 1970-01-02"},
  });
}

TEST(PrometheusFunctionsTest, Query) {
  RunCases({
      {"{{ query \"up\" | first | value }}", "1"},
      {"{{ with query \"up\" }}{{ . | first | label \"instance\" }}{{ end }}", "b:9100"},
      {"{{ range query \"up\" | sortByLabel \"instance\" }}{{ .Labels.instance }}={{ .Value }} "
       "{{ end }}",
       "a:9100=0 b:9100=1 "},
      {"{{ with query \"none\" }}x{{ else }}no data{{ end }}", "no data"},
      {"{{ query \"none\" | first }}",
       "template: t:1:18: executing \"t\" at <first>: error calling first: first() called on "
       "vector with no elements",
       true},
      {"{{ query \"bad(\" }}",
       "template: t:1:3: executing \"t\" at <query \"bad(\">: error calling query: parse error: "
       "unexpected character",
       true},
  });
  auto t = Template::Parse("t", "{{ query \"up\" }}", PrometheusFunctions(nullptr));
  EXPECT_EQ(t.status().message(), "template: t:1: function \"query\" not defined");
}

}  // namespace
}  // namespace vigil::tmpl
