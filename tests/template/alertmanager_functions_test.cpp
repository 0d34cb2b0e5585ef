// Alertmanager 0.25's template functions, HTML escaping, and Go time
// formatting of the times Alertmanager's templates print.
#include <gtest/gtest.h>

#include <chrono>

#include "vigil/template/template.h"

namespace vigil::tmpl {
namespace {

using namespace std::chrono;

// 2023-03-04 05:06:07.5 UTC (winter: Paris is UTC+1) and 2023-07-14 22:30 UTC
// (summer: UTC+2, the next day in Paris).
Value Data() {
  auto winter = sys_days{year{2023} / 3 / 4} + hours{5} + minutes{6} + seconds{7} + milliseconds{500};
  auto summer = sys_days{year{2023} / 7 / 14} + hours{22} + minutes{30};
  return Value(Map{{"winter", TimeValue(winter)},
                   {"summer", TimeValue(summer)},
                   {"old", TimeValue(system_clock::now() - minutes{90})},
                   {"names", Value(List{"a", "b", "c"})},
                   {"html", "<b>x</b> & 'y'"}});
}

std::string Exec(std::string_view text, Escaping escaping = Escaping::kNone) {
  auto t = Template::Parse("am", text, AlertmanagerFunctions());
  if (!t.ok()) return t.status().message();
  auto out = t->Execute(Data(), escaping);
  return out.ok() ? *out : out.status().message();
}

TEST(AlertmanagerFunctionsTest, Strings) {
  EXPECT_EQ(Exec("{{ .names | join \", \" }}|{{ stringSlice \"x\" \"y\" | join \"-\" }}"),
            "a, b, c|x-y");
  EXPECT_EQ(Exec("{{ toUpper \"warning\" }} {{ toLower \"FIRING\" }} {{ title \"disk full\" }}"),
            "WARNING firing Disk Full");
  EXPECT_EQ(Exec("{{ match \"^crit\" \"critical\" }} {{ reReplaceAll \"-\" \"_\" \"a-b-c\" }}"),
            "true a_b_c");
  EXPECT_EQ(Exec("{{ humanizeDuration 3725 }}"), "1h 2m 5s");
  EXPECT_EQ(Exec("{{ join \",\" \"abc\" }}"),
            "template: am:1:3: executing \"am\" at <join \",\" \"abc\">: wrong type for value; "
            "expected []string; got string");
}

TEST(AlertmanagerFunctionsTest, Times) {
  EXPECT_EQ(Exec("{{ .winter }}"), "2023-03-04 05:06:07.5 +0000 UTC");
  EXPECT_EQ(Exec("{{ .winter | date \"2006-01-02T15:04:05Z07:00\" }}"), "2023-03-04T05:06:07Z");
  EXPECT_EQ(Exec("{{ date \"Mon Jan _2 15:04:05.000 2006\" .winter }}"),
            "Sat Mar  4 05:06:07.500 2023");
  EXPECT_EQ(Exec("{{ date \"Monday, 02-Jan-06 3:04PM\" .summer }}"),
            "Friday, 14-Jul-23 10:30PM");
  EXPECT_EQ(Exec("{{ .winter | tz \"Europe/Paris\" | date \"15:04 MST -07:00\" }}"),
            "06:06 CET +01:00");
  EXPECT_EQ(Exec("{{ .summer | tz \"Europe/Paris\" }}"), "2023-07-15 00:30:00 +0200 CEST");
  EXPECT_EQ(Exec("{{ .winter | tz \"UTC\" | date \"15:04 MST\" }}"), "05:06 UTC");
  EXPECT_EQ(Exec("{{ .winter | tz \"Nowhere/City\" }}"),
            "template: am:1:13: executing \"am\" at <tz \"Nowhere/City\">: error calling tz: "
            "unknown time zone Nowhere/City");
  EXPECT_EQ(Exec("{{ .winter.Unix }} {{ .winter.UnixMilli }} {{ .winter.Format \"Jan 2\" }}"),
            "1677906367 1677906367500 Mar 4");
  EXPECT_EQ(Exec("{{ if and (ge (since .old).Minutes 89.9) (lt (since .old).Minutes 100.0) }}ok"
                 "{{ end }}"),
            "ok");
  EXPECT_EQ(Exec("{{ .summer.Sub .winter }} {{ (.winter.Sub .summer).Hours }} "
                 "{{ .winter.Add 1500000000 }}"),
            "3185h23m52.5s -3185.397916666667 2023-03-04 05:06:09 +0000 UTC");
  EXPECT_EQ(Exec("{{ (.summer.Sub .winter).Round 3600000000000 }} "
                 "{{ (.summer.Sub .winter).Truncate 60000000000 }} "
                 "{{ .summer.Sub .winter | humanizeDuration }}"),
            "3185h0m0s 3185h23m0s 132d 17h 23m 52s");
  EXPECT_EQ(Exec("{{ since 1 }}"),
            "template: am:1:3: executing \"am\" at <since 1>: wrong type for value; expected "
            "time.Time; got int");
}

// Texts and outputs recorded with amtool 0.25's `template render`
// (--template.type=html for the escaped ones).
TEST(AlertmanagerFunctionsTest, RendersAsAmtool025) {
  EXPECT_EQ(Exec("{{ \"<a href='x'>+&\\\"\" }}", Escaping::kHtml),
            "&lt;a href=&#39;x&#39;&gt;&#43;&amp;&#34;");
  EXPECT_EQ(Exec("<p>{{ \"a<b\" }}</p>{{ \"<i>\" | safeHtml }}{{ printf \"%s\" \"<b>\" }}",
                 Escaping::kHtml),
            "<p>a&lt;b</p><i>&lt;b&gt;");
  EXPECT_EQ(Exec("{{ toUpper \"àb\" }} {{ title \"hello world\" }} "
                 "{{ reReplaceAll \"(a+)\" \"<$1>\" \"baab\" }}",
                 Escaping::kHtml),
            "ÀB Hello World b&lt;aa&gt;b");
  EXPECT_EQ(Exec("{{ stringSlice \"a\" \"b\" }}"), "[a b]");
  // Alertmanager's title is x/text's cases.Title, not Prometheus's strings.Title.
  EXPECT_EQ(Exec("{{ title \"hello wORLD foo_bar-baz a.b x:y o'neil 3rd ÉLAN\" }}"),
            "Hello World Foo_bar-Baz A.b X:y O'neil 3Rd Élan");
  EXPECT_EQ(Exec("{{ toUpper \"straße ñ ÿ ā ı привет ёж αβγ ς άέ µ\" }}|"
                 "{{ toLower \"ĀĞİ ÀÉ ПРИВЕТ ЁЖ ΑΒΓ ΆΈ Ÿ\" }}|"
                 "{{ title \"élan vital привет мир_x a.b\" }}"),
            "STRAßE Ñ Ÿ Ā I ПРИВЕТ ЁЖ ΑΒΓ Σ ΆΈ Μ|āği àé привет ёж αβγ άέ ÿ|Élan Vital Привет Мир_x A.b");
  auto t = Template::Parse("x", "", AlertmanagerFunctions());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->ExecuteText("{{ 1.5 }} {{ nil }}", Value()).status().message(),
            "template: :1:13: executing \"\" at <nil>: nil is not a command");
}

TEST(AlertmanagerFunctionsTest, HtmlEscapingLeavesSafeHtmlAlone) {
  EXPECT_EQ(Exec("<p>{{ .html }}</p>{{ .html | safeHtml }}{{ .missing }}", Escaping::kHtml),
            "<p>&lt;b&gt;x&lt;/b&gt; &amp; &#39;y&#39;</p><b>x</b> & 'y'");
  EXPECT_EQ(Exec("{{ .html | safeHtml }}"), "<b>x</b> & 'y'");
  // Values printed by a called template are escaped once, where printed.
  EXPECT_EQ(Exec("{{ define \"t\" }}<i>{{ . }}</i>{{ end }}{{ template \"t\" \"a<b\" }}",
                 Escaping::kHtml),
            "<i>a&lt;b</i>");
}

}  // namespace
}  // namespace vigil::tmpl
