#include "query_command.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "api_client.h"
#include "api_query.h"
#include "vigil/base/clock.h"

namespace vigil::app {
namespace {

using nlohmann::json;
using LabelSet = std::map<std::string, std::string>;

constexpr const char* kQueryUsage = R"(usage:
  vigil query instant [--time=T] URL EXPR
  vigil query range [--start=T] [--end=T] [--step=D] URL EXPR
  vigil query series --match=SELECTOR... [--start=T] [--end=T] URL
  vigil query labels [--match=SELECTOR...] [--start=T] [--end=T] URL NAME
Times are RFC 3339 or Unix seconds; a range defaults to the last 5 minutes
with a step of 1/250 of it (at least 1s).
)";

struct Args {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> flags;  // "--name=value" or "--name value"
  std::optional<std::string> Flag(const std::string& name) const {
    auto it = flags.find(name);
    return it == flags.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
};

Args SplitArgs(const std::vector<std::string>& args) {
  Args out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      out.positional.push_back(a);
      continue;
    }
    size_t eq = a.find('=');
    if (eq != std::string::npos) {
      out.flags.emplace(a.substr(2, eq - 2), a.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      out.flags.emplace(a.substr(2), args[++i]);
    } else {
      out.flags.emplace(a.substr(2), "");
    }
  }
  return out;
}

// Go's strconv.Quote for the ASCII range.
std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

LabelSet ToLabelSet(const json& metric) {
  LabelSet out;
  for (const auto& [k, v] : metric.items()) out[k] = v.get<std::string>();
  return out;
}

// client_golang's Metric.String(): name{a="x", b="y"}, "{}" when empty.
std::string MetricString(const LabelSet& m) {
  auto name = m.find("__name__");
  std::string labels;
  for (const auto& [k, v] : m) {
    if (k == "__name__") continue;
    if (!labels.empty()) labels += ", ";
    labels += k + "=" + GoQuote(v);
  }
  if (labels.empty()) return name != m.end() ? name->second : "{}";
  return (name != m.end() ? name->second : "") + "{" + labels + "}";
}

// client_golang's LabelSet.String(): {__name__="up", job="x"}.
std::string LabelSetString(const LabelSet& m) {
  std::string labels;
  for (const auto& [k, v] : m) {
    if (!labels.empty()) labels += ", ";
    labels += k + "=" + GoQuote(v);
  }
  return "{" + labels + "}";
}

// client_golang's LabelSet.Before, the order promtool prints matrices in.
bool Before(const LabelSet& a, const LabelSet& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  std::vector<std::string> names;
  for (const auto& [k, v] : a) names.push_back(k);
  for (const auto& [k, v] : b) names.push_back(k);
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    auto ai = a.find(n);
    if (ai == a.end()) return true;
    auto bi = b.find(n);
    if (bi == b.end()) return false;
    if (ai->second != bi->second) return ai->second < bi->second;
  }
  return false;
}

// `value @[timestamp]` from the API's [time, "value"] pair.
std::string PairString(const json& pair) {
  double secs = pair.at(0).get<double>();
  double t = static_cast<double>(std::llround(secs * 1000)) / 1000.0;
  std::string value = pair.at(1).get<std::string>();
  double v = value == "NaN"    ? std::nan("")
             : value == "+Inf" ? HUGE_VAL
             : value == "-Inf" ? -HUGE_VAL
                               : std::stod(value);
  return FormatApiValue(v) + " @[" + FormatApiValue(t) + "]";
}

std::string ResultString(const json& data) {
  const std::string type = data.at("resultType").get<std::string>();
  const json& result = data.at("result");
  std::string out;
  if (type == "scalar") return "scalar: " + PairString(result);
  if (type == "string") return result.at(1).get<std::string>();
  if (type == "vector") {
    for (const json& s : result) {
      if (!out.empty()) out += "\n";
      out += MetricString(ToLabelSet(s.at("metric"))) + " => " + PairString(s.at("value"));
    }
    return out;
  }
  std::vector<std::pair<LabelSet, const json*>> series;
  for (const json& s : result) series.emplace_back(ToLabelSet(s.at("metric")), &s.at("values"));
  std::stable_sort(series.begin(), series.end(),
                   [](const auto& a, const auto& b) { return Before(a.first, b.first); });
  for (const auto& [labels, values] : series) {
    if (!out.empty()) out += "\n";
    out += MetricString(labels) + " =>";
    for (const json& p : *values) out += "\n" + PairString(p);
  }
  return out;
}

// Calls the API; on success returns its "data", else prints the error.
std::optional<json> Call(const std::string& url, const std::string& path, const FormParams& form,
                         FormMethod method = FormMethod::kPost) {
  Result<ApiResponse> r = SendForm(url, method, path, form);
  if (!r.ok()) {
    std::cerr << "query error: " << r.status().message() << "\n";
    return std::nullopt;
  }
  json body = json::parse(r->body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    std::cerr << "query error: server returned HTTP status " << r->status << ": " << r->body
              << "\n";
    return std::nullopt;
  }
  if (body.value("status", "") != "success") {
    std::cerr << "query error: " << body.value("errorType", "") << ": " << body.value("error", "")
              << "\n";
    return std::nullopt;
  }
  return body["data"];
}

// The time flags are passed as given; the server validates them.
void AddTimeFlags(const Args& a, FormParams* form) {
  for (const char* name : {"start", "end"}) {
    if (auto v = a.Flag(name)) form->emplace_back(name, *v);
  }
  for (auto [it, end] = a.flags.equal_range("match"); it != end; ++it) {
    form->emplace_back("match[]", it->second);
  }
}

int Instant(const Args& a) {
  if (a.positional.size() != 2) return -1;
  FormParams form = {{"query", a.positional[1]}};
  if (auto t = a.Flag("time")) form.emplace_back("time", *t);
  auto data = Call(a.positional[0], "/api/v1/query", form);
  if (!data) return 1;
  std::cout << ResultString(*data) << "\n";
  return 0;
}

int Range(const Args& a) {
  if (a.positional.size() != 2) return -1;
  TimestampMs end = SystemClock().Now();
  if (auto e = a.Flag("end")) {
    auto t = ParseTimeParam(*e);
    if (!t.ok()) {
      std::cerr << "error parsing end time: " << t.status().message() << "\n";
      return 1;
    }
    end = *t;
  }
  TimestampMs start = end - 5 * 60 * 1000;
  if (auto s = a.Flag("start")) {
    auto t = ParseTimeParam(*s);
    if (!t.ok()) {
      std::cerr << "error parsing start time: " << t.status().message() << "\n";
      return 1;
    }
    start = *t;
  }
  if (start > end) {
    std::cerr << "start time is not before end time\n";
    return 1;
  }
  std::string step;
  if (auto s = a.Flag("step")) {
    step = *s;
  } else {
    // promtool's default resolution: 250 points, at least one second.
    step = std::to_string(std::max<int64_t>((end - start) / 1000 / 250, 1));
  }
  FormParams form = {{"query", a.positional[1]},
                     {"start", FormatApiValue(static_cast<double>(start) / 1000.0)},
                     {"end", FormatApiValue(static_cast<double>(end) / 1000.0)},
                     {"step", step}};
  auto data = Call(a.positional[0], "/api/v1/query_range", form);
  if (!data) return 1;
  std::cout << ResultString(*data) << "\n";
  return 0;
}

int Series(const Args& a) {
  if (a.positional.size() != 1 || !a.Flag("match")) return -1;
  FormParams form;
  AddTimeFlags(a, &form);
  auto data = Call(a.positional[0], "/api/v1/series", form);
  if (!data) return 1;
  for (const json& s : *data) std::cout << LabelSetString(ToLabelSet(s)) << "\n";
  return 0;
}

int Labels(const Args& a) {
  if (a.positional.size() != 2) return -1;
  FormParams form;
  AddTimeFlags(a, &form);
  auto data = Call(a.positional[0], "/api/v1/label/" + FormEncode(a.positional[1]) + "/values",
                   form, FormMethod::kGet);
  if (!data) return 1;
  for (const json& v : *data) std::cout << v.get<std::string>() << "\n";
  return 0;
}

}  // namespace

int QueryCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kQueryUsage;
    return args.empty() ? 2 : 0;
  }
  Args a = SplitArgs({args.begin() + 1, args.end()});
  int code = -1;
  if (args[0] == "instant") code = Instant(a);
  if (args[0] == "range") code = Range(a);
  if (args[0] == "series") code = Series(a);
  if (args[0] == "labels") code = Labels(a);
  if (code == -1) {
    std::cerr << "vigil query: bad arguments\n" << kQueryUsage;
    return 2;
  }
  return code;
}

}  // namespace vigil::app
