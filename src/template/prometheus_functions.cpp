// Prometheus 2.42's rule-template functions (template/template.go).
#include <arpa/inet.h>

#include <algorithm>
#include <cmath>

#include "common_functions.h"
#include "escape.h"
#include "function_args.h"
#include "go_time.h"
#include "printf.h"
#include "unicode_case.h"
#include "vigil/base/duration.h"
#include "vigil/base/format_float.h"
#include "vigil/base/url_escape.h"

namespace vigil::tmpl {
namespace {

std::string G4(double v, std::string_view suffix = "") {
  std::vector<Value> args{Value(v)};
  return GoSprintf("%.4g", args) + std::string(suffix);
}

std::string Humanize(double v) {
  if (v == 0 || std::isnan(v) || std::isinf(v)) return G4(v);
  std::string prefix;
  if (std::fabs(v) >= 1) {
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return G4(v, prefix);
  }
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return G4(v, prefix);
}

std::string Humanize1024(double v) {
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return G4(v);
  std::string prefix;
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return G4(v, prefix);
}

// Prometheus's floatToTime: seconds to a UTC time at millisecond precision.
// nullopt for NaN and infinities.
Result<std::optional<GoTime>> FloatToTime(double v) {
  if (std::isnan(v) || std::isinf(v)) return std::optional<GoTime>();
  double ns = v * 1e9;
  if (ns >= 9.223372036854775807e18 || ns < -9.223372036854775808e18) {
    return InvalidArgument(FormatFloat(v) +
                           " cannot be represented as a nanoseconds timestamp since it overflows "
                           "int64");
  }
  int64_t ms = static_cast<int64_t>(ns) / 1000000;
  GoTime t;
  t.unix_seconds = ms / 1000;
  t.nanos = static_cast<int32_t>(ms % 1000) * 1000000;
  if (t.nanos < 0) {
    t.nanos += 1000000000;
    --t.unix_seconds;
  }
  return std::optional<GoTime>(t);
}

// Go's net.SplitHostPort; nullopt where Go returns an error.
std::optional<std::pair<std::string, std::string>> SplitHostPort(std::string_view hostport) {
  size_t colon = hostport.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host;
  if (!hostport.empty() && hostport[0] == '[') {
    size_t end = hostport.find(']');
    if (end == std::string_view::npos || end + 1 != colon) return std::nullopt;
    host = hostport.substr(1, end - 1);
  } else {
    host = hostport.substr(0, colon);
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  if (host.find_first_of("[]") != std::string_view::npos) return std::nullopt;
  return std::make_pair(std::string(host), std::string(hostport.substr(colon + 1)));
}

bool IsIp(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string StripDomain(const std::string& hostport) {
  auto split = SplitHostPort(hostport);
  std::string host = split ? split->first : hostport;
  std::string port = split ? split->second : "";
  if (IsIp(host)) return hostport;
  host = host.substr(0, host.find('.'));
  if (port.empty()) return host;
  return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
}

// The part of the external URL after scheme://host.
std::string UrlPath(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t path = url.find('/', scheme + 3);
  if (path == std::string_view::npos) return "";
  size_t end = url.find_first_of("?#", path);
  return std::string(url.substr(path, end == std::string_view::npos ? end : end - path));
}

// A sample's field ("Labels", "Value") whether it is an object or a map.
Value SampleField(const Value& sample, std::string_view name) {
  if (sample.is_map()) {
    auto it = sample.as_map().find(name);
    return it != sample.as_map().end() ? it->second : Value();
  }
  if (sample.is_object()) return sample.as_object().Field(name).value_or(Value());
  return Value();
}

std::string SampleLabel(const Value& sample, std::string_view label) {
  Value labels = SampleField(sample, "Labels");
  if (!labels.is_map()) return "";
  auto it = labels.as_map().find(label);
  return it != labels.as_map().end() && it->second.is_string() ? it->second.as_string() : "";
}

using NumberFormatter = std::string (*)(double);

Function NumberFunction(std::string name, NumberFormatter format) {
  return [name, format](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount(name, args, 1));
    VIGIL_ASSIGN_OR_RETURN(double v, FloatArg(args[0]));
    return Value(format(v));
  };
}

Function LinkFunction(std::string name, std::string tab) {
  return [name, tab](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount(name, args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string expr, StringArg(args[0]));
    return Value("/graph?g0.expr=" + QueryEscape(expr) + "&g0.tab=" + tab);
  };
}

}  // namespace

FuncMap PrometheusFunctions(QueryFunction query, std::string external_url) {
  FuncMap f;
  AddCommonFunctions(&f);
  f["title"] = [](std::span<const Value> args) -> Result<Value> {  // strings.Title
    VIGIL_RETURN_IF_ERROR(CheckArgCount("title", args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string s, StringArg(args[0]));
    return Value(TitleText(s));
  };
  f["humanize"] = NumberFunction("humanize", Humanize);
  f["humanize1024"] = NumberFunction("humanize1024", Humanize1024);
  f["humanizePercentage"] = NumberFunction("humanizePercentage",
                                           [](double v) { return G4(v * 100, "%"); });
  f["humanizeTimestamp"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("humanizeTimestamp", args, 1));
    VIGIL_ASSIGN_OR_RETURN(double v, FloatArg(args[0]));
    VIGIL_ASSIGN_OR_RETURN(std::optional<GoTime> t, FloatToTime(v));
    return Value(t ? GoTimeString(*t) : G4(v));
  };
  f["toTime"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("toTime", args, 1));
    VIGIL_ASSIGN_OR_RETURN(double v, FloatArg(args[0]));
    VIGIL_ASSIGN_OR_RETURN(std::optional<GoTime> t, FloatToTime(v));
    if (!t) return InvalidArgument("value is NaN or Inf");
    return MakeTime(*t);
  };
  f["parseDuration"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("parseDuration", args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string text, StringArg(args[0]));
    VIGIL_ASSIGN_OR_RETURN(Duration d, ParseDuration(text));
    return Value(static_cast<double>(d.count()) / 1000.0);
  };
  f["first"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("first", args, 1));
    Value list = ElementsOf(args[0]);
    if (list.is_list() && !list.as_list().empty()) return list.as_list().front();
    if (!list.is_list() && !list.is_nil()) {
      return Status(StatusCode::kOutOfRange, "wrong type for value; expected queryResult; got " +
                                                 GoTypeName(args[0]));
    }
    return InvalidArgument("first() called on vector with no elements");
  };
  f["label"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("label", args, 2));
    VIGIL_ASSIGN_OR_RETURN(std::string label, StringArg(args[0]));
    return Value(SampleLabel(args[1], label));
  };
  f["value"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("value", args, 1));
    Value v = SampleField(args[0], "Value");
    return v.is_number() ? Value(v.as_number()) : Value(0.0);
  };
  f["strvalue"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("strvalue", args, 1));
    return Value(SampleLabel(args[0], "__value__"));
  };
  f["sortByLabel"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("sortByLabel", args, 2));
    VIGIL_ASSIGN_OR_RETURN(std::string label, StringArg(args[0]));
    Value list = ElementsOf(args[1]);
    if (list.is_nil()) return list;
    if (!list.is_list()) {
      return Status(StatusCode::kOutOfRange, "wrong type for value; expected queryResult; got " +
                                                 GoTypeName(list));
    }
    List sorted = list.as_list();
    std::stable_sort(sorted.begin(), sorted.end(), [&label](const Value& a, const Value& b) {
      return SampleLabel(a, label) < SampleLabel(b, label);
    });
    return Value(std::move(sorted));
  };
  f["args"] = [](std::span<const Value> args) -> Result<Value> {
    Map result;
    for (size_t i = 0; i < args.size(); ++i) result["arg" + std::to_string(i)] = args[i];
    return Value(std::move(result));
  };
  f["stripPort"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("stripPort", args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string hostport, StringArg(args[0]));
    auto split = SplitHostPort(hostport);
    return Value(split ? split->first : hostport);
  };
  f["stripDomain"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("stripDomain", args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string hostport, StringArg(args[0]));
    return Value(StripDomain(hostport));
  };
  f["graphLink"] = LinkFunction("graphLink", "0");
  f["tableLink"] = LinkFunction("tableLink", "1");
  f["externalURL"] = [external_url](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("externalURL", args, 0));
    return Value(external_url);
  };
  f["pathPrefix"] = [path = UrlPath(external_url)](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("pathPrefix", args, 0));
    return Value(path);
  };
  if (query) {
    f["query"] = [query = std::move(query)](std::span<const Value> args) -> Result<Value> {
      VIGIL_RETURN_IF_ERROR(CheckArgCount("query", args, 1));
      VIGIL_ASSIGN_OR_RETURN(std::string expr, StringArg(args[0]));
      return query(expr);
    };
  }
  return f;
}

}  // namespace vigil::tmpl
