#include "vigil/template/template.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

namespace vigil::tmpl {
namespace {

// The data Prometheus gives an alert's templates.
Value AlertData() {
  Map labels{{"instance", "host-1:9100"}, {"job", "node"}, {"severity", "critical"}};
  Map external{{"cluster", "eu-1"}};
  return Value(Map{{"Labels", Value(labels)},
                   {"ExternalLabels", Value(external)},
                   {"ExternalURL", "http://vigil:9090"},
                   {"Value", 0.123456}});
}

constexpr std::string_view kPrometheusPrefix =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

struct Case {
  std::string text;
  std::string want;  // output, or the error message when error is true
  bool error = false;
};

std::string RunTemplate(std::string_view text, const Value& dot, std::string* error) {
  auto t = Template::Parse("t", text, {});
  if (!t.ok()) {
    *error = t.status().message();
    return "";
  }
  auto out = t->Execute(dot);
  if (!out.ok()) {
    *error = out.status().message();
    return "";
  }
  return *out;
}

void RunCases(const std::vector<Case>& cases, const Value& dot) {
  for (const Case& c : cases) {
    std::string error;
    std::string out = RunTemplate(c.text, dot, &error);
    if (c.error) {
      EXPECT_EQ(error, c.want) << c.text;
    } else {
      EXPECT_EQ(error, "") << c.text;
      EXPECT_EQ(out, c.want) << c.text;
    }
  }
}

TEST(TemplateTest, TextAndTrim) {
  RunCases({
               {"hello", "hello"},
               {"", ""},
               {"a {{- \"b\" -}} c", "abc"},
               {"a  \n{{- 3}}", "a3"},
               {"{{3 -}}\n  x", "3x"},
               {"{{-3}}", "-3"},
               {"a {{/* comment */}} b", "a  b"},
               {"a {{- /* comment */ -}} b", "ab"},
               {"{{`raw\\n`}}", "raw\\n"},
               {"{{\"q\\t\\\"x\\\"\\u00e9\"}}", "q\t\"x\"\xC3\xA9"},
               {"{{'a'}}", "97"},
               {"{{0x1F}} {{1e3}} {{1.5}} {{-7}} {{0o17}} {{1_000}}", "31 1000 1.5 -7 15 1000"},
               {"{{true}} {{false}}", "true false"},
               {"{{nil}}", "template: t:1:2: executing \"t\" at <nil>: nil is not a command", true},
           },
           Value());
}

TEST(TemplateTest, FieldsAndVariables) {
  RunCases({
               {std::string(kPrometheusPrefix) + "{{ $labels.instance }} {{ $value }}",
                "host-1:9100 0.123456"},
               {std::string(kPrometheusPrefix) + "[{{ $labels.missing }}]", "[]"},
               {"{{ .Labels.job }}/{{ .ExternalLabels.cluster }}", "node/eu-1"},
               {"{{ .Missing }}", "<no value>"},
               {"{{ .Missing.Deeper }}", "<no value>"},
               {"{{ $x := 1 }}{{ $x }}{{ $x = 2 }}{{ $x }}", "12"},
               {"{{ $.Labels.job }}", "node"},
               {"{{ with .Labels }}{{ .job }} {{ $.ExternalURL }}{{ end }}", "node http://vigil:9090"},
               {"{{ (index .Labels \"job\") }}", "node"},
               {"{{ (.Labels).job }}", "node"},
               {"{{ .ExternalURL.Foo }}",
                "template: t:1:15: executing \"t\" at <.ExternalURL.Foo>: can't evaluate field Foo "
                "in type string",
                true},
               {"{{ $x }}", "template: t:1: undefined variable \"$x\"", true},
               {"{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}",
                "template: t:1: undefined variable \"$x\"", true},
               {"{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2"},
               {"{{ .Labels.job 1 }}",
                "template: t:1:10: executing \"t\" at <.Labels.job>: job is not a method but has "
                "arguments",
                true},
           },
           AlertData());
}

TEST(TemplateTest, ControlStructures) {
  Value dot(Map{{"list", Value(List{"a", "b", "c"})},
                {"empty", Value(List{})},
                {"m", Value(Map{{"x", 1}, {"y", 2}})},
                {"n", 3}});
  RunCases({
               {"{{ if .n }}yes{{ else }}no{{ end }}", "yes"},
               {"{{ if .empty }}yes{{ else if .n }}elif{{ else }}no{{ end }}", "elif"},
               {"{{ if not .n }}yes{{ else if eq .n 2 }}two{{ else }}other{{ end }}", "other"},
               {"{{ range .list }}<{{ . }}>{{ end }}", "<a><b><c>"},
               {"{{ range $i, $v := .list }}{{ $i }}={{ $v }} {{ end }}", "0=a 1=b 2=c "},
               {"{{ range $k, $v := .m }}{{ $k }}:{{ $v }},{{ end }}", "x:1,y:2,"},
               {"{{ range .empty }}x{{ else }}none{{ end }}", "none"},
               {"{{ range .list }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}", "a"},
               {"{{ range .list }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ . }}{{ end }}", "ac"},
               {"{{ with .nothing }}x{{ else }}empty{{ end }}", "empty"},
               {"{{ define \"T\" }}[{{ . }}]{{ end }}{{ template \"T\" .n }}", "[3]"},
               {"{{ block \"B\" .list }}{{ len . }}{{ end }}", "3"},
               {"{{ template \"none\" }}",
                "template: t:1:12: executing \"t\" at <{{template \"none\"}}>: template \"none\" "
                "not defined",
                true},
               {"{{ if }}", "template: t:1: missing value for if", true},
               {"{{ end }}", "template: t:1: unexpected {{end}}", true},
               {"{{ if 1 }}", "template: t:1: unexpected EOF", true},
               {"{{ break }}", "template: t:1: {{break}} outside {{range}}", true},
               {"{{ .n }", "template: t:1: unexpected \"}\" in operand", true},
               {"{{ .n ", "template: t:1: unclosed action", true},
               {"{{ foo }}", "template: t:1: function \"foo\" not defined", true},
               {"{{ range .n }}{{ end }}",
                "template: t:1:9: executing \"t\" at <{{range .n}}{{end}}>: range can't iterate over 3", true},
           },
           dot);
}

TEST(TemplateTest, Builtins) {
  Value dot(Map{{"list", Value(List{1, 2, 3})}, {"s", "héllo"}, {"f", 2.5}, {"n", 7}});
  RunCases({
               {"{{ len .list }} {{ len .s }}", "3 6"},
               {"{{ index .list 1 }}", "2"},
               {"{{ index .list 5 }}",
                "template: t:1:3: executing \"t\" at <index .list 5>: error calling index: index "
                "out of range: 5",
                true},
               {"{{ slice .list 1 }} {{ slice \"abcdef\" 1 3 }}", "[2 3] bc"},
               {"{{ and 1 0 2 }} {{ and 1 2 }} {{ or 0 \"\" }} {{ or 0 5 }}", "0 2  5"},
               {"{{ and false .x.y.z }}", "false"},
               {"{{ not 0 }} {{ not \"x\" }}", "true false"},
               {"{{ eq 1 2 3 1 }} {{ ne \"a\" \"b\" }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt 1.5 2.5 }} "
                "{{ ge \"b\" \"a\" }}",
                "true true true true false true"},
               {"{{ eq .f 2 }}",
                "template: t:1:3: executing \"t\" at <eq .f 2>: error calling eq: incompatible "
                "types for comparison",
                true},
               {"{{ print 1 2 \"a\" 3 }}|{{ println 1 \"a\" }}", "1 2a3|1 a\n"},
               {"{{ html \"<a href='x'>&\\\"\" }}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"},
               {"{{ js \"it's <b>\" }}", "it\\'s \\u003Cb\\u003E"},
               {"{{ urlquery \"a b&c=d/é\" }}", "a+b%26c%3Dd%2F%C3%A9"},
               {"{{ .n | printf \"%03d\" }}", "007"},
               {"{{ \"x\" | printf \"%s-%s\" \"a\" }}", "a-x"},
               {"{{ 3 | len }}",
                "template: t:1:7: executing \"t\" at <len>: error calling len: len of type int",
                true},
               {"{{ len 1 2 }}",
                "template: t:1:3: executing \"t\" at <len 1 2>: wrong number of args for len: "
                "want 1 got 2",
                true},
           },
           dot);
}

TEST(TemplateTest, Printf) {
  RunCases({
               {"{{ printf \"%.2f\" 3.14159 }}", "3.14"},
               {"{{ printf \"%v %v %v\" 1.0 1e21 0.000012 }}", "1 1e+21 1.2e-05"},
               {"{{ printf \"%g %e %E\" 123456789.0 1234.5678 0.5 }}",
                "1.23456789e+08 1.234568e+03 5.000000E-01"},
               {"{{ printf \"%.4g\" 123456.0 }}", "1.235e+05"},
               {"{{ printf \"%d %5d|%-5d|%+d %x %X %o %b\" 42 42 42 42 255 255 8 5 }}",
                "42    42|42   |+42 ff FF 10 101"},
               {"{{ printf \"%q %s %10s|%-4s|\" \"a\\\"b\" \"x\" \"right\" \"l\" }}",
                "\"a\\\"b\" x      right|l   |"},
               {"{{ printf \"%t %v %%\" true false }}", "true false %"},
               {"{{ printf \"%x %X\" \"hi\" \"hi\" }}", "6869 6869"},
               {"{{ printf \"%c %U %q\" 65 65 65 }}", "A U+0041 'A'"},
               {"{{ printf \"%d\" \"s\" }}", "%!d(string=s)"},
               {"{{ printf \"%s\" 1.5 }}", "%!s(float64=1.5)"},
               {"{{ printf \"%s %s\" \"a\" }}", "a %!s(MISSING)"},
               {"{{ printf \"%s\" \"a\" 1 }}", "a%!(EXTRA int=1)"},
               {"{{ printf \"%08.3f|%-8.2f|%+.1e\" -3.14159 2.5 12345.0 }}",
                "-003.142|2.50    |+1.2e+04"},
               {"{{ printf \"%5.1f%%\" 99.44 }}", " 99.4%"},
               {"{{ printf \"%v %s\" nil nil }}", "<nil> %!s(<nil>)"},
           },
           Value());
  // Floats outside what templates can write as literals.
  Value dot(Map{{"inf", std::numeric_limits<double>::infinity()},
                {"nan", std::nan("")},
                {"big", 1e6}});
  RunCases({
               {"{{ .inf }} {{ .nan }} {{ .big }}", "+Inf NaN 1e+06"},
               {"{{ printf \"%.2f %f %5.1f\" .inf .nan .inf }}", "+Inf NaN  +Inf"},
           },
           dot);
}

TEST(TemplateTest, NamedTemplatesAndDefinitions) {
  auto t = Template::Parse("main", "{{ define \"a\" }}A{{ .x }}{{ end }}main", {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->HasNamed("a"));
  EXPECT_FALSE(t->HasNamed("b"));
  EXPECT_EQ(*t->Execute(Value()), "main");
  EXPECT_EQ(*t->ExecuteNamed("a", Value(Map{{"x", 1}})), "A1");
  auto missing = t->ExecuteNamed("b", Value());
  EXPECT_EQ(missing.status().message(),
            "template: no template \"b\" associated with template \"main\"");

  ASSERT_TRUE(t->AddDefinitions("more.tmpl", "{{ define \"a\" }}new{{ end }}{{ define \"b\" }}"
                                             "B{{ template \"a\" }}{{ end }}")
                  .ok());
  EXPECT_EQ(*t->ExecuteNamed("b", Value()), "Bnew");
  // An empty redefinition keeps the existing one, as in Go.
  ASSERT_TRUE(t->AddDefinitions("empty.tmpl", "{{ define \"a\" }}  {{ end }}").ok());
  EXPECT_EQ(*t->ExecuteNamed("a", Value()), "new");
  EXPECT_EQ(*t->ExecuteText("<{{ template \"b\" . }}>", Value()), "<Bnew>");
  auto bad = t->AddDefinitions("bad.tmpl", "{{ define \"c\" }}{{ .x }");
  EXPECT_EQ(bad.message(), "template: bad.tmpl:1: unexpected \"}\" in operand");
}

TEST(TemplateTest, ErrorLocationsNameLineAndColumn) {
  std::string error;
  RunTemplate("line1\n  {{ .a.b 1 }}", Value(Map{{"a", Value(Map{{"b", 1}})}}), &error);
  EXPECT_EQ(error,
            "template: t:2:7: executing \"t\" at <.a.b>: b is not a method but has arguments");
  RunTemplate("{{ define \"x\" }}\n{{ index 1 2 }}{{ end }}{{ template \"x\" }}", Value(), &error);
  EXPECT_EQ(error,
            "template: t:2:3: executing \"x\" at <index 1 2>: error calling index: can't index "
            "item of type int");
  RunTemplate("\n\n{{ if .x }}", Value(), &error);
  EXPECT_EQ(error, "template: t:3: unexpected EOF");
}

TEST(TemplateTest, NestingIsBounded) {
  std::string error;
  RunTemplate("{{ " + std::string(1001, '(') + "1" + std::string(1001, ')') + " }}", Value(), &error);
  EXPECT_EQ(error, "template: t:1: max expression depth exceeded");
  std::string ifs;
  for (int i = 0; i < 1001; ++i) ifs += "{{ if 1 }}";
  RunTemplate(ifs, Value(), &error);
  EXPECT_EQ(error, "template: t:1: max expression depth exceeded");
  error.clear();
  EXPECT_EQ(RunTemplate("{{ " + std::string(100, '(') + "1" + std::string(100, ')') + " }}", Value(),
                        &error),
            "1");
  EXPECT_EQ(error, "");
}

TEST(TemplateTest, RecursionIsBounded) {
  std::string error;
  RunTemplate("{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" }}", Value(), &error);
  EXPECT_NE(error.find("exceeded maximum template depth (1000)"), std::string::npos) << error;
}

// A parsed template is immutable: concurrent executions give the same text.
TEST(TemplateTest, ConcurrentExecutions) {
  auto t = Template::Parse("c", "{{ range $i, $v := .list }}{{ printf \"%d:%s \" $i $v }}{{ end }}",
                           {});
  ASSERT_TRUE(t.ok());
  Value dot(Map{{"list", Value(List{"a", "b", "c"})}});
  std::vector<std::string> outputs(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    threads.emplace_back([&t, &dot, &outputs, i] {
      for (int n = 0; n < 200; ++n) outputs[i] = *t->Execute(dot);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& out : outputs) EXPECT_EQ(out, "0:a 1:b 2:c ");
}

TEST(TemplateTest, HtmlEscaping) {
  auto t = Template::Parse("h", "<p>{{ .a }}</p>{{ .missing }}", {});
  ASSERT_TRUE(t.ok());
  Value dot(Map{{"a", "1 < 2 & \"x\" + 'y'"}, {"b", 1}});
  EXPECT_EQ(*t->Execute(dot, Escaping::kHtml), "<p>1 &lt; 2 &amp; &#34;x&#34; &#43; &#39;y&#39;</p>");
  EXPECT_EQ(*t->Execute(dot), "<p>1 < 2 & \"x\" + 'y'</p><no value>");
}

// An object with Alertmanager-style fields and a method taking arguments.
class Pairs : public Object {
 public:
  std::optional<Value> Field(std::string_view name) const override {
    if (name == "Names") return Value(List{"a", "b"});
    return std::nullopt;
  }
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override {
    if (name == "Join" && args.size() == 1 && args[0].is_string()) {
      return Value("a" + args[0].as_string() + "b");
    }
    return Object::Call(name, args);
  }
  std::string ToString() const override { return "{a b}"; }
};

TEST(TemplateTest, Objects) {
  Value dot(Map{{"p", Value(std::shared_ptr<const Object>(std::make_shared<Pairs>()))}});
  RunCases({
               {"{{ .p }} {{ .p.Names }} {{ .p.Join \"-\" }} {{ \"+\" | .p.Join }}",
                "{a b} [a b] a-b a+b"},
               {"{{ .p.Nope }}",
                "template: t:1:5: executing \"t\" at <.p.Nope>: can't evaluate field Nope in type "
                "object",
                true},
           },
           dot);
}

}  // namespace
}  // namespace vigil::tmpl

namespace vigil::tmpl {
namespace {

// Go slice and map types with methods, as Alertmanager's Alerts and KV.
class Alerts : public Object {
 public:
  explicit Alerts(List alerts) : alerts_(std::move(alerts)) {}
  std::optional<Value> Field(std::string_view name) const override {
    if (name != "Firing") return std::nullopt;
    List firing;
    for (const Value& a : alerts_) {
      if (a.as_map().at("Status").as_string() == "firing") firing.push_back(a);
    }
    return Value(std::shared_ptr<const Object>(std::make_shared<Alerts>(std::move(firing))));
  }
  const List* AsList() const override { return &alerts_; }

 private:
  List alerts_;
};

class Kv : public Object {
 public:
  explicit Kv(Map map) : map_(std::move(map)) {}
  std::optional<Value> Field(std::string_view name) const override {
    if (name == "Names") {
      List names;
      for (const auto& [key, value] : map_) names.emplace_back(key);
      return Value(std::move(names));
    }
    return std::nullopt;
  }
  const Map* AsMap() const override { return &map_; }
  std::string ToString() const override { return Value(map_).ToString(); }

 private:
  Map map_;
};

Value AlertmanagerLikeData() {
  auto alert = [](const char* status, const char* name) {
    return Value(Map{{"Status", status}, {"Name", name}});
  };
  List alerts{alert("firing", "a"), alert("resolved", "b"), alert("firing", "c")};
  auto obj = [](auto o) { return Value(std::shared_ptr<const Object>(std::move(o))); };
  return Value(Map{{"Alerts", obj(std::make_shared<Alerts>(alerts))},
                   {"None", obj(std::make_shared<Alerts>(List{}))},
                   {"Labels", obj(std::make_shared<Kv>(Map{{"job", "node"}, {"sev", "page"}}))}});
}

TEST(TemplateTest, ListAndMapLikeObjects) {
  RunCases({
               {"{{ len .Alerts }} {{ .Alerts.Firing | len }} {{ len .Labels }}", "3 2 2"},
               {"{{ range .Alerts.Firing }}{{ .Name }}{{ end }}|{{ range $i, $a := .Alerts }}"
                "{{ $i }}{{ $a.Status }} {{ end }}",
                "ac|0firing 1resolved 2firing "},
               {"{{ range $k, $v := .Labels }}{{ $k }}={{ $v }};{{ end }}", "job=node;sev=page;"},
               {"{{ .Labels.job }} [{{ .Labels.missing }}] {{ index .Labels \"sev\" }} "
                "{{ (index .Alerts 1).Name }} {{ len (slice .Alerts 1) }}",
                "node [] page b 2"},
               {"{{ if .None }}some{{ else }}none{{ end }} {{ if .Alerts }}some{{ end }} "
                "{{ with .Labels }}{{ .Names }}{{ end }} {{ .Labels }}",
                "none some [job sev] map[job:node sev:page]"},
           },
           AlertmanagerLikeData());
}

}  // namespace
}  // namespace vigil::tmpl
