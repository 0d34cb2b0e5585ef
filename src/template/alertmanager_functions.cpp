// Alertmanager 0.25's template functions (template/template.go DefaultFuncs).
#include <chrono>

#include "common_functions.h"
#include "function_args.h"
#include "go_time.h"
#include "printf.h"
#include "time_zone.h"
#include "unicode_case.h"

namespace vigil::tmpl {
namespace {

Result<GoTime> TimeArg(const Value& v) {
  if (const GoTime* t = AsTime(v)) return *t;
  return Status(StatusCode::kOutOfRange,
                "wrong type for value; expected time.Time; got " + GoTypeName(v));
}

}  // namespace

FuncMap AlertmanagerFunctions() {
  FuncMap f;
  AddCommonFunctions(&f);
  f["title"] = [](std::span<const Value> args) -> Result<Value> {  // cases.Title
    VIGIL_RETURN_IF_ERROR(CheckArgCount("title", args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string s, StringArg(args[0]));
    return Value(CasesTitleText(s));
  };
  // join takes the separator first, for pipelines: {{ .Names | join ", " }}.
  f["join"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("join", args, 2));
    VIGIL_ASSIGN_OR_RETURN(std::string separator, StringArg(args[0]));
    Value list = ElementsOf(args[1]);
    if (list.is_nil()) return Value("");
    if (!list.is_list()) {
      return Status(StatusCode::kOutOfRange,
                    "wrong type for value; expected []string; got " + GoTypeName(list));
    }
    std::string out;
    bool first = true;
    for (const Value& item : list.as_list()) {
      VIGIL_ASSIGN_OR_RETURN(std::string s, StringArg(item));
      if (!first) out += separator;
      first = false;
      out += s;
    }
    return Value(std::move(out));
  };
  f["stringSlice"] = [](std::span<const Value> args) -> Result<Value> {
    List list;
    for (const Value& arg : args) {
      VIGIL_ASSIGN_OR_RETURN(std::string s, StringArg(arg));
      list.emplace_back(std::move(s));
    }
    return Value(std::move(list));
  };
  f["date"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("date", args, 2));
    VIGIL_ASSIGN_OR_RETURN(std::string layout, StringArg(args[0]));
    VIGIL_ASSIGN_OR_RETURN(GoTime t, TimeArg(args[1]));
    return Value(FormatGoTime(t, layout));
  };
  f["tz"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("tz", args, 2));
    VIGIL_ASSIGN_OR_RETURN(std::string name, StringArg(args[0]));
    VIGIL_ASSIGN_OR_RETURN(GoTime t, TimeArg(args[1]));
    VIGIL_ASSIGN_OR_RETURN(GoTime zoned, InZone(t, name));
    return MakeTime(std::move(zoned));
  };
  f["since"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("since", args, 1));
    VIGIL_ASSIGN_OR_RETURN(GoTime t, TimeArg(args[0]));
    int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    return MakeDuration(now - (t.unix_seconds * 1000000000 + t.nanos));
  };
  return f;
}

}  // namespace vigil::tmpl
