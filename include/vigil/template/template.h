// Go text/template, the subset real rule files and Alertmanager templates use:
// actions {{ }} with trim markers {{- -}}, comments, pipelines, variables
// ($x := / $x =), fields and map keys (.a.b, $labels.x), if/else if/else,
// range (with $i, $v := and else), with/else, define/template/block, and
// function calls. Error texts follow Go's ("template: NAME:LINE: ...").
//
// Values are dynamically typed (Value); objects with Go-style fields and
// methods (Alertmanager's .Alerts.Firing, .CommonLabels.SortedPairs) are
// modelled by Object. The functions a template may call are given at parse
// time as a FuncMap: Go's builtins are always there, and the sets below add
// Prometheus's rule-template functions and Alertmanager's.
//
// Thread-safety: a parsed Template is immutable; Execute may run on many
// threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vigil/base/result.h"

namespace vigil::tmpl {

class Value;
class Object;

using List = std::vector<Value>;
// Sorted by key: Go ranges over maps in key order.
using Map = std::map<std::string, Value, std::less<>>;

// An object with named fields and methods, resolved at execution time.
class Object {
 public:
  virtual ~Object() = default;
  // `.Name`: a field or a method called without arguments; nullopt when the
  // object has neither (an execution error, as in Go).
  virtual std::optional<Value> Field(std::string_view name) const = 0;
  // `.Name arg...` with at least one argument. Default: no such method.
  virtual Result<Value> Call(std::string_view name, std::span<const Value> args) const;
  // What {{ . }} prints for the object; Go prints structs as {a b}.
  virtual std::string ToString() const { return "{}"; }
  // Go slice and map types with methods (Alertmanager's Alerts and Pairs are
  // slices, KV is a map[string]string) are objects whose elements range, len,
  // index, Truthy and comparisons see as a list or a map through these
  // (nullptr: not list-like / not map-like). Such an object answers its map
  // keys from Field too.
  virtual const List* AsList() const { return nullptr; }
  virtual const Map* AsMap() const { return nullptr; }
};

// nil, bool, int64, float64, string, list, map or object. Lists, maps and
// objects are shared, so copying a Value is cheap.
class Value {
 public:
  Value() = default;  // nil
  Value(bool b) : v_(b) {}
  Value(int v) : v_(int64_t{v}) {}
  Value(int64_t v) : v_(v) {}
  Value(double v) : v_(v) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(List l) : v_(std::make_shared<const List>(std::move(l))) {}
  Value(Map m) : v_(std::make_shared<const Map>(std::move(m))) {}
  Value(std::shared_ptr<const Object> o) : v_(std::move(o)) {}

  bool is_nil() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_int() const { return std::holds_alternative<int64_t>(v_); }
  bool is_float() const { return std::holds_alternative<double>(v_); }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_list() const { return std::holds_alternative<std::shared_ptr<const List>>(v_); }
  bool is_map() const { return std::holds_alternative<std::shared_ptr<const Map>>(v_); }
  bool is_object() const { return std::holds_alternative<std::shared_ptr<const Object>>(v_); }

  // Accessors; calling one of the wrong kind is a programming error.
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const List& as_list() const { return *std::get<std::shared_ptr<const List>>(v_); }
  const Map& as_map() const { return *std::get<std::shared_ptr<const Map>>(v_); }
  const Object& as_object() const { return *std::get<std::shared_ptr<const Object>>(v_); }

  // Go's truth: false, 0, nil, and empty strings, lists and maps are false.
  bool Truthy() const;
  // What {{ . }} prints (fmt's %v): floats as Go's %v, maps as map[k:v].
  std::string ToString() const;

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string,
               std::shared_ptr<const List>, std::shared_ptr<const Map>,
               std::shared_ptr<const Object>>
      v_;
};

// The list or map that a list-like or map-like Object (Object::AsList,
// AsMap) stands for, as range, len and index see it; other values unchanged.
Value ElementsOf(const Value& v);

// A Go time.Time in UTC, as Alertmanager's .StartsAt and .EndsAt: prints as
// Go's time.String() ("2006-01-02 15:04:05.999999999 +0000 UTC"), has .Unix,
// .UnixMilli, .Format "layout" and the like, and is what the `date`, `tz`
// and `since` functions take.
Value TimeValue(std::chrono::system_clock::time_point t);

// A function callable from a template; an error stops execution with
// `error calling NAME: MESSAGE`, as in Go.
using Function = std::function<Result<Value>(std::span<const Value> args)>;
using FuncMap = std::map<std::string, Function, std::less<>>;

// Runs a PromQL instant query at the rule's evaluation time for the `query`
// template function; the result is a list of samples, each an Object with
// .Labels (a map) and .Value (a float), as Prometheus's queryResult.
using QueryFunction = std::function<Result<Value>(std::string_view expr)>;

// Prometheus 2.42's rule-template functions: humanize, humanize1024,
// humanizeDuration, humanizePercentage, humanizeTimestamp, title, toUpper,
// toLower, reReplaceAll, match, first, label, value, strvalue, sortByLabel,
// args, safeHtml, stripPort, stripDomain, parseDuration, toTime, graphLink,
// tableLink, externalURL, pathPrefix, and query (absent when `query` is
// null: parsing then fails on a call to it, as for any unknown function).
FuncMap PrometheusFunctions(QueryFunction query, std::string external_url = "");

// Alertmanager 0.25's template functions: toUpper, toLower, title, join,
// match, safeHtml, reReplaceAll, stringSlice, date, tz, since,
// humanizeDuration.
FuncMap AlertmanagerFunctions();

enum class Escaping {
  kNone,  // text/template
  kHtml,  // values printed into HTML are escaped (html/template's common case);
          // safeHtml output is not
};

class Template {
 public:
  Template();
  ~Template();
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;
  Template(const Template&) = delete;
  Template& operator=(const Template&) = delete;

  // Parses `text` as the template `name`; {{define}}s in it become named
  // templates. Unknown functions, bad syntax and unclosed actions fail here
  // with Go's message, e.g. `template: x:1: function "foo" not defined`.
  static Result<Template> Parse(std::string_view name, std::string_view text,
                                const FuncMap& functions);

  // Adds the {{define}}d templates of another source (Alertmanager's
  // default.tmpl, the files under `templates:`); later definitions replace
  // earlier ones of the same name.
  Status AddDefinitions(std::string_view source_name, std::string_view text);

  // Executes the main template with `dot` as `.`.
  Result<std::string> Execute(const Value& dot, Escaping escaping = Escaping::kNone) const;
  // Executes a {{define}}d template by name.
  Result<std::string> ExecuteNamed(std::string_view name, const Value& dot,
                                   Escaping escaping = Escaping::kNone) const;
  bool HasNamed(std::string_view name) const;
  // Parses `text` with this template's functions and definitions and runs it
  // (Alertmanager's ExecuteTextString: receiver fields like a Slack title are
  // such texts, calling {{ template "slack.default.title" . }}).
  Result<std::string> ExecuteText(std::string_view text, const Value& dot,
                                  Escaping escaping = Escaping::kNone) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::tmpl
