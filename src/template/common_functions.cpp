#include "common_functions.h"

#include <cmath>
#include <vector>

#include "escape.h"
#include "function_args.h"
#include "printf.h"
#include "regexp.h"
#include "unicode_case.h"

namespace vigil::tmpl {
namespace {

Function StringFunction(std::string name, std::string (*f)(std::string_view)) {
  return [name, f](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount(name, args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string s, StringArg(args[0]));
    return Value(f(s));
  };
}

}  // namespace

std::string HumanizeDuration(double v) {
  auto g4 = [](double x) {
    std::vector<Value> args{Value(x)};
    return GoSprintf("%.4g", args);
  };
  if (std::isnan(v) || std::isinf(v)) return g4(v);
  if (v == 0) return g4(v) + "s";
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    int64_t duration = v >= 9.2e18 ? INT64_MAX : static_cast<int64_t>(v);
    int64_t seconds = duration % 60;
    int64_t minutes = duration / 60 % 60;
    int64_t hours = duration / 60 / 60 % 24;
    int64_t days = duration / 60 / 60 / 24;
    auto s = [](int64_t x) { return std::to_string(x); };
    if (days != 0) return sign + s(days) + "d " + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s";
    if (hours != 0) return sign + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s";
    if (minutes != 0) return sign + s(minutes) + "m " + s(seconds) + "s";
    return sign + g4(v) + "s";
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix + "s";
}

void AddCommonFunctions(FuncMap* f) {
  (*f)["toUpper"] = StringFunction("toUpper", ToUpperText);
  (*f)["toLower"] = StringFunction("toLower", ToLowerText);
  (*f)["safeHtml"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("safeHtml", args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string s, StringArg(args[0]));
    return MakeSafeHtml(std::move(s));
  };
  (*f)["match"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("match", args, 2));
    VIGIL_ASSIGN_OR_RETURN(std::string pattern, StringArg(args[0]));
    VIGIL_ASSIGN_OR_RETURN(std::string text, StringArg(args[1]));
    VIGIL_ASSIGN_OR_RETURN(bool matched, RegexpMatch(pattern, text));
    return Value(matched);
  };
  (*f)["reReplaceAll"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("reReplaceAll", args, 3));
    VIGIL_ASSIGN_OR_RETURN(std::string pattern, StringArg(args[0]));
    VIGIL_ASSIGN_OR_RETURN(std::string replacement, StringArg(args[1]));
    VIGIL_ASSIGN_OR_RETURN(std::string text, StringArg(args[2]));
    VIGIL_ASSIGN_OR_RETURN(std::string out, RegexpReplaceAll(pattern, replacement, text));
    return Value(std::move(out));
  };
  (*f)["humanizeDuration"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("humanizeDuration", args, 1));
    VIGIL_ASSIGN_OR_RETURN(double v, FloatArg(args[0]));
    return Value(HumanizeDuration(v));
  };
}

}  // namespace vigil::tmpl
