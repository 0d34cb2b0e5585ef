// Decoding promtool's unit-test file the way go-yaml v2's UnmarshalStrict
// fills promtool's structs: plain scalars are resolved to YAML 1.1 types
// (null, bool, int, float, str) and must fit the field; unknown keys and type
// mismatches are collected and reported together, in document order; a
// duration that does not parse (model.Duration's own unmarshaler) stops
// decoding with its message alone.
#include "unit_test_file.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <regex>
#include <utility>

namespace vigil::rules::internal {
namespace {

int LineOf(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

bool IsOneOf(const std::string& s, std::initializer_list<const char*> options) {
  for (const char* o : options) {
    if (s == o) return true;
  }
  return false;
}

// go-yaml's resolve() for a plain (unquoted) scalar: its YAML 1.1 tag.
std::string ResolvedTag(const YAML::Node& n) {
  if (n.IsNull()) return "!!null";
  if (!n.IsScalar()) return n.IsSequence() ? "!!seq" : "!!map";
  if (n.Tag() != "?") return "!!str";  // quoted, or explicitly tagged
  const std::string& s = n.Scalar();
  if (IsOneOf(s, {"~", "null", "Null", "NULL"})) return "!!null";
  if (IsOneOf(s, {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE", "n",
                  "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"})) {
    return "!!bool";
  }
  if (IsOneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                  ".nan", ".NaN", ".NAN"})) {
    return "!!float";
  }
  static const std::regex kInt("[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, kInt)) return "!!int";
  if (std::regex_match(s, kFloat)) return "!!float";
  return "!!str";
}

// The value of a scalar resolved as !!int or !!float.
double NumberValue(const std::string& text) {
  if (text.find("inf") != std::string::npos || text.find("Inf") != std::string::npos ||
      text.find("INF") != std::string::npos) {
    return text[0] == '-' ? -INFINITY : INFINITY;
  }
  if (text.find_first_of("nN") != std::string::npos) return NAN;
  std::string s;
  for (char c : text) {
    if (c != '_') s += c;
  }
  bool negative = !s.empty() && s[0] == '-';
  std::string body = !s.empty() && (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
  double v = 0;
  if (body.starts_with("0b")) {
    v = static_cast<double>(std::strtoull(body.c_str() + 2, nullptr, 2));
  } else if (body.starts_with("0x")) {
    v = static_cast<double>(std::strtoull(body.c_str() + 2, nullptr, 16));
  } else if (body.size() > 1 && body[0] == '0' && body.find_first_of(".eE") == std::string::npos) {
    v = static_cast<double>(std::strtoull(body.c_str(), nullptr, 8));  // YAML 1.1 octal
  } else {
    v = std::strtod(body.c_str(), nullptr);
  }
  return negative ? -v : v;
}

class Decoder {
 public:
  using FieldDecoders = std::vector<std::pair<std::string_view, std::function<void(const YAML::Node&)>>>;

  std::vector<std::string> type_errors;  // "line N: ..."
  std::string fatal;                     // set: decoding stopped with this message

  bool stopped() const { return !fatal.empty(); }

  void CannotUnmarshal(const YAML::Node& n, std::string_view go_type) {
    std::string tag = ResolvedTag(n);
    std::string shown = n.IsScalar() ? " `" + n.Scalar() + "`" : "";
    type_errors.push_back("line " + std::to_string(LineOf(n)) + ": cannot unmarshal " + tag +
                          shown + " into " + std::string(go_type));
  }

  // A mapping into a Go struct: each key to its field, in document order.
  void Struct(const YAML::Node& n, std::string_view go_type, const FieldDecoders& fields) {
    if (stopped() || n.IsNull()) return;
    if (!n.IsMap()) {
      CannotUnmarshal(n, go_type);
      return;
    }
    for (const auto& kv : n) {
      if (stopped()) return;
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      bool known = false;
      for (const auto& [name, decode] : fields) {
        if (name == key) {
          decode(kv.second);
          known = true;
          break;
        }
      }
      if (!known) {
        type_errors.push_back("line " + std::to_string(LineOf(kv.first)) + ": field " + key +
                              " not found in type " + std::string(go_type));
      }
    }
  }

  template <typename T, typename F>
  void List(const YAML::Node& n, std::string_view go_type, std::vector<T>* out, F decode_elem) {
    if (stopped() || n.IsNull()) return;
    if (!n.IsSequence()) {
      CannotUnmarshal(n, go_type);
      return;
    }
    for (const YAML::Node& elem : n) {
      if (stopped()) return;
      out->emplace_back();
      decode_elem(elem, &out->back());
    }
  }

  void String(const YAML::Node& n, std::string* out) {
    if (stopped() || n.IsNull()) return;
    if (!n.IsScalar()) {
      CannotUnmarshal(n, "string");
      return;
    }
    *out = n.Scalar();
  }

  void Strings(const YAML::Node& n, std::vector<std::string>* out) {
    List(n, "[]string", out, [this](const YAML::Node& e, std::string* s) { String(e, s); });
  }

  void StringMap(const YAML::Node& n, std::string_view go_type,
                 std::map<std::string, std::string>* out) {
    if (stopped() || n.IsNull()) return;
    if (!n.IsMap()) {
      CannotUnmarshal(n, go_type);
      return;
    }
    for (const auto& kv : n) {
      std::string key;
      std::string value;
      String(kv.first, &key);
      String(kv.second, &value);
      (*out)[key] = value;
    }
  }

  void Float(const YAML::Node& n, double* out) {
    if (stopped()) return;
    const std::string tag = ResolvedTag(n);
    if (tag == "!!null") return;
    if (tag != "!!int" && tag != "!!float") {
      CannotUnmarshal(n, "float64");
      return;
    }
    *out = NumberValue(n.Scalar());
  }

  // model.Duration: a string in Prometheus's duration syntax.
  void Duration(const YAML::Node& n, vigil::Duration* out) {
    std::string text;
    String(n, &text);
    if (stopped() || n.IsNull() || !n.IsScalar()) return;
    Result<vigil::Duration> d = ParseDuration(text);
    if (!d.ok()) {
      fatal = d.status().message();
      return;
    }
    *out = *d;
  }

  void Series(const YAML::Node& n, InputSeries* s) {
    Struct(n, "main.series", {{"series", [&](const YAML::Node& v) { String(v, &s->series); }},
                              {"values", [&](const YAML::Node& v) { String(v, &s->values); }}});
  }

  void Alert(const YAML::Node& n, ExpectedAlert* a) {
    Struct(n, "main.alert",
           {{"exp_labels",
             [&](const YAML::Node& v) { StringMap(v, "map[string]string", &a->labels); }},
            {"exp_annotations",
             [&](const YAML::Node& v) { StringMap(v, "map[string]string", &a->annotations); }}});
  }

  void AlertTest(const YAML::Node& n, AlertTestCase* t) {
    Struct(n, "main.alertTestCase",
           {{"eval_time", [&](const YAML::Node& v) { Duration(v, &t->eval_time); }},
            {"alertname", [&](const YAML::Node& v) { String(v, &t->alertname); }},
            {"exp_alerts", [&](const YAML::Node& v) {
               List(v, "[]main.alert", &t->exp_alerts,
                    [this](const YAML::Node& e, ExpectedAlert* a) { Alert(e, a); });
             }}});
  }

  void Sample(const YAML::Node& n, ExpectedSample* s) {
    Struct(n, "main.sample", {{"labels", [&](const YAML::Node& v) { String(v, &s->labels); }},
                              {"value", [&](const YAML::Node& v) { Float(v, &s->value); }}});
  }

  void PromqlTest(const YAML::Node& n, PromqlTestCase* t) {
    Struct(n, "main.promqlTestCase",
           {{"expr", [&](const YAML::Node& v) { String(v, &t->expr); }},
            {"eval_time", [&](const YAML::Node& v) { Duration(v, &t->eval_time); }},
            {"exp_samples", [&](const YAML::Node& v) {
               List(v, "[]main.sample", &t->exp_samples,
                    [this](const YAML::Node& e, ExpectedSample* s) { Sample(e, s); });
             }}});
  }

  void Group(const YAML::Node& n, TestGroup* g) {
    Struct(n, "main.testGroup",
           {{"interval", [&](const YAML::Node& v) { Duration(v, &g->interval); }},
            {"input_series",
             [&](const YAML::Node& v) {
               List(v, "[]main.series", &g->input_series,
                    [this](const YAML::Node& e, InputSeries* s) { Series(e, s); });
             }},
            {"alert_rule_test",
             [&](const YAML::Node& v) {
               List(v, "[]main.alertTestCase", &g->alert_rule_test,
                    [this](const YAML::Node& e, AlertTestCase* t) { AlertTest(e, t); });
             }},
            {"promql_expr_test",
             [&](const YAML::Node& v) {
               List(v, "[]main.promqlTestCase", &g->promql_expr_test,
                    [this](const YAML::Node& e, PromqlTestCase* t) { PromqlTest(e, t); });
             }},
            {"external_labels",
             [&](const YAML::Node& v) {
               StringMap(v, "map[string]string", &g->external_labels);
             }},
            {"external_url", [&](const YAML::Node& v) { String(v, &g->external_url); }},
            {"name", [&](const YAML::Node& v) { String(v, &g->name); }}});
  }

  void File(const YAML::Node& n, UnitTestFile* f) {
    Struct(n, "main.unitTestFile",
           {{"rule_files", [&](const YAML::Node& v) { Strings(v, &f->rule_files); }},
            {"evaluation_interval",
             [&](const YAML::Node& v) { Duration(v, &f->evaluation_interval); }},
            {"group_eval_order", [&](const YAML::Node& v) { Strings(v, &f->group_eval_order); }},
            {"tests", [&](const YAML::Node& v) {
               List(v, "[]main.testGroup", &f->tests,
                    [this](const YAML::Node& e, TestGroup* g) { Group(e, g); });
             }}});
  }
};

}  // namespace

Result<UnitTestFile> ParseUnitTestFile(std::string_view yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  UnitTestFile file;
  Decoder decoder;
  decoder.File(root, &file);
  if (decoder.stopped()) return InvalidArgument(decoder.fatal);
  if (!decoder.type_errors.empty()) {
    std::string message = "yaml: unmarshal errors:";
    for (const std::string& e : decoder.type_errors) message += "\n  " + e;
    return InvalidArgument(message);
  }
  return file;
}

}  // namespace vigil::rules::internal
