// Functions over instant vectors and scalars, evaluated once per step:
// math, clamp, round, time and date functions, sort, absent, scalar/vector,
// label_replace/label_join (with their checks), histogram_* on floats.
#include <cmath>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <numbers>

#include <re2/re2.h>

#include "evaluator.h"
#include "go_sort.h"
#include "math_util.h"

namespace vigil::promql::internal {

model::Labels LabelsForAbsent(const Expr& arg);
Status HistogramQuantile(double q, const Vector& in, Vector* out);

namespace {

const std::string& StringArg(const Call& e, size_t i) {
  const Expr* a = e.args[i].get();
  while (const auto* p = AsIf<ParenExpr>(a)) a = p->expr.get();
  return As<StringLiteral>(*a).value;
}

void Simple(const Vector& in, Vector* out, const std::function<double(double)>& f) {
  for (const Sample& s : in) out->push_back({DropMetricName(s.labels), s.t, f(s.v)});
}

double Sgn(double v) {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;
}

// Date parts of a Unix time, UTC, exactly as Go's time package computes
// them for time.Unix(int64(v), 0) on amd64 (where converting NaN, ±Inf or
// an out-of-range float gives the minimum int64, and times far out wrap).
struct DateParts {
  int64_t year;
  int month, day, hour, minute, weekday, yday, days_in_month;
};

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

DateParts Date(double v) {
  constexpr uint64_t kSecondsPerDay = 86400;
  constexpr uint64_t kDaysPer400Years = 365 * 400 + 97;
  constexpr uint64_t kDaysPer100Years = 365 * 100 + 24;
  constexpr uint64_t kDaysPer4Years = 365 * 4 + 1;
  constexpr int64_t kAbsoluteZeroYear = -292277022399LL;
  constexpr uint64_t kUnixToAbsolute = 62135596800ULL + 9223371966579724800ULL;
  int64_t secs = v >= -9.223372036854775808e18 && v < 9.223372036854775808e18
                     ? static_cast<int64_t>(v)
                     : std::numeric_limits<int64_t>::min();
  uint64_t abs = static_cast<uint64_t>(secs) + kUnixToAbsolute;
  DateParts p;
  p.hour = static_cast<int>(abs % kSecondsPerDay / 3600);
  p.minute = static_cast<int>(abs % 3600 / 60);
  p.weekday = static_cast<int>((abs + kSecondsPerDay) % (7 * kSecondsPerDay) / kSecondsPerDay);
  uint64_t d = abs / kSecondsPerDay;
  uint64_t n = d / kDaysPer400Years;
  uint64_t y = 400 * n;
  d -= kDaysPer400Years * n;
  n = d / kDaysPer100Years;
  n -= n >> 2;
  y += 100 * n;
  d -= kDaysPer100Years * n;
  n = d / kDaysPer4Years;
  y += 4 * n;
  d -= kDaysPer4Years * n;
  n = d / 365;
  n -= n >> 2;
  y += n;
  d -= 365 * n;
  p.year = static_cast<int64_t>(y) + kAbsoluteZeroYear;
  int yday = static_cast<int>(d);
  p.yday = yday + 1;
  static const int kDaysBefore[] = {0,   31,  59,  90,  120, 151, 181,
                                    212, 243, 273, 304, 334, 365};
  int day = yday;
  bool leap = IsLeap(p.year);
  if (leap && day == 31 + 29 - 1) {
    p.month = 2;
    p.day = 29;
  } else {
    if (leap && day > 31 + 29 - 1) day--;
    int month = day / 31;
    int begin;
    if (day >= kDaysBefore[month + 1]) {
      begin = kDaysBefore[month + 1];
      month++;
    } else {
      begin = kDaysBefore[month];
    }
    p.month = month + 1;
    p.day = day - begin + 1;
  }
  static const int kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  p.days_in_month = kLen[p.month - 1] + (leap && p.month == 2 ? 1 : 0);
  return p;
}

// Go's regexp.Expand template syntax: $1, ${1}, $name, ${name}, $$.
std::string Expand(const re2::RE2& re, const std::vector<re2::StringPiece>& groups,
                   std::string_view tmpl) {
  std::string out;
  const auto& named = re.NamedCapturingGroups();
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '$' || i + 1 >= tmpl.size()) {
      out.push_back(tmpl[i]);
      continue;
    }
    if (tmpl[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    std::string_view name;
    size_t next;
    if (tmpl[i + 1] == '{') {
      size_t close = tmpl.find('}', i + 2);
      bool ok = close != std::string_view::npos && close > i + 2;
      if (ok) {
        for (size_t j = i + 2; j < close; ++j) {
          char c = tmpl[j];
          ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        }
      }
      if (!ok) {
        out.push_back('$');
        continue;
      }
      name = tmpl.substr(i + 2, close - i - 2);
      next = close + 1;
    } else {
      size_t j = i + 1;
      while (j < tmpl.size() &&
             (std::isalnum(static_cast<unsigned char>(tmpl[j])) || tmpl[j] == '_')) {
        ++j;
      }
      if (j == i + 1) {
        out.push_back('$');
        continue;
      }
      name = tmpl.substr(i + 1, j - i - 1);
      next = j;
    }
    bool numeric = !name.empty();
    int64_t num = 0;
    for (char c : name) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || num > 100000) {
        numeric = false;
        break;
      }
      num = num * 10 + (c - '0');
    }
    int idx = -1;
    if (numeric) {
      idx = static_cast<int>(num);
    } else {
      auto it = named.find(std::string(name));
      if (it != named.end()) idx = it->second;
    }
    if (idx >= 0 && static_cast<size_t>(idx) < groups.size() && groups[idx].data() != nullptr) {
      out.append(groups[idx].data(), groups[idx].size());
    }
    i = next - 1;
  }
  return out;
}

Status LabelReplace(const Call& e, const Vector& in, Vector* out) {
  const std::string& dst = StringArg(e, 1);
  const std::string& repl = StringArg(e, 2);
  const std::string& src = StringArg(e, 3);
  const std::string& regex = StringArg(e, 4);
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  re2::RE2 re("^(?:" + regex + ")$", opts);
  if (!re.ok()) return ExecError("invalid regular expression in label_replace(): " + regex);
  if (!model::IsValidLabelName(dst)) {
    return ExecError("invalid destination label name in label_replace(): " + dst);
  }
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  for (const Sample& s : in) {
    std::string_view value = s.labels.Get(src);
    re2::StringPiece input(value.data(), value.size());
    if (!re.Match(input, 0, input.size(), re2::RE2::UNANCHORED, groups.data(),
                  static_cast<int>(groups.size()))) {
      out->push_back(s);
      continue;
    }
    std::string res = Expand(re, groups, repl);
    model::LabelsBuilder b(s.labels);
    b.Del(dst);
    if (!res.empty()) b.Set(dst, res);
    out->push_back({b.Build(), s.t, s.v});
  }
  return Status::Ok();
}

Status LabelJoin(const Call& e, const Vector& in, Vector* out) {
  const std::string& dst = StringArg(e, 1);
  const std::string& sep = StringArg(e, 2);
  std::vector<std::string> srcs;
  for (size_t i = 3; i < e.args.size(); ++i) {
    const std::string& src = StringArg(e, i);
    if (!model::IsValidLabelName(src)) {
      return ExecError("invalid source label name in label_join(): " + src);
    }
    srcs.push_back(src);
  }
  if (!model::IsValidLabelName(dst)) {
    return ExecError("invalid destination label name in label_join(): " + dst);
  }
  for (const Sample& s : in) {
    std::string joined;
    for (size_t i = 0; i < srcs.size(); ++i) {
      if (i > 0) joined += sep;
      joined += s.labels.Get(srcs[i]);
    }
    model::LabelsBuilder b(s.labels);
    if (joined.empty()) {
      b.Del(dst);
    } else {
      b.Set(dst, joined);
    }
    out->push_back({b.Build(), s.t, s.v});
  }
  return Status::Ok();
}

using MathFn = double (*)(double);

const std::map<std::string_view, MathFn>& MathFunctions() {
  static const std::map<std::string_view, MathFn> kFns = {
      {"abs", [](double v) { return std::fabs(v); }},
      {"ceil", [](double v) { return std::ceil(v); }},
      {"floor", [](double v) { return std::floor(v); }},
      {"exp", [](double v) { return std::exp(v); }},
      {"sqrt", [](double v) { return std::sqrt(v); }},
      {"ln", [](double v) { return std::log(v); }},
      {"log2", [](double v) { return std::log2(v); }},
      {"log10", [](double v) { return std::log10(v); }},
      {"sin", [](double v) { return std::sin(v); }},
      {"cos", [](double v) { return std::cos(v); }},
      {"tan", [](double v) { return std::tan(v); }},
      {"asin", [](double v) { return std::asin(v); }},
      {"acos", [](double v) { return std::acos(v); }},
      {"atan", [](double v) { return std::atan(v); }},
      {"sinh", [](double v) { return std::sinh(v); }},
      {"cosh", [](double v) { return std::cosh(v); }},
      {"tanh", [](double v) { return std::tanh(v); }},
      {"asinh", [](double v) { return std::asinh(v); }},
      {"acosh", [](double v) { return std::acosh(v); }},
      {"atanh", [](double v) { return std::atanh(v); }},
      {"deg", [](double v) { return v * 180 / std::numbers::pi; }},
      {"rad", [](double v) { return v * std::numbers::pi / 180; }},
      {"sgn", Sgn},
  };
  return kFns;
}

using DateFn = double (*)(const DateParts&);

const std::map<std::string_view, DateFn>& DateFunctions() {
  static const std::map<std::string_view, DateFn> kFns = {
      {"day_of_month", [](const DateParts& p) { return double(p.day); }},
      {"day_of_week", [](const DateParts& p) { return double(p.weekday); }},
      {"day_of_year", [](const DateParts& p) { return double(p.yday); }},
      {"days_in_month", [](const DateParts& p) { return double(p.days_in_month); }},
      {"hour", [](const DateParts& p) { return double(p.hour); }},
      {"minute", [](const DateParts& p) { return double(p.minute); }},
      {"month", [](const DateParts& p) { return double(p.month); }},
      {"year", [](const DateParts& p) { return static_cast<double>(p.year); }},
  };
  return kFns;
}

}  // namespace

Status Evaluator::CallStep(const Expr& node, std::span<const Vector> args, size_t step,
                           Vector* out) {
  const auto& e = As<Call>(node);
  const std::string_view name = e.func->name;
  const TimestampMs ts = StepTime(step);
  auto scalar = [&](size_t i) { return args[i].empty() ? 0.0 : args[i][0].v; };

  if (auto it = MathFunctions().find(name); it != MathFunctions().end()) {
    Simple(args[0], out, it->second);
    return Status::Ok();
  }
  if (auto it = DateFunctions().find(name); it != DateFunctions().end()) {
    DateFn f = it->second;
    if (e.args.empty()) {
      out->push_back({model::Labels(), ts, f(Date(static_cast<double>(ts) / 1000))});
      return Status::Ok();
    }
    Simple(args[0], out, [f](double v) { return f(Date(v)); });
    return Status::Ok();
  }
  if (name == "time") {
    out->push_back({model::Labels(), ts, static_cast<double>(ts) / 1000});
  } else if (name == "pi") {
    out->push_back({model::Labels(), ts, std::numbers::pi});
  } else if (name == "vector") {
    out->push_back({model::Labels(), ts, scalar(0)});
  } else if (name == "scalar") {
    double v = args[0].size() == 1 ? args[0][0].v : std::nan("");
    out->push_back({model::Labels(), ts, v});
  } else if (name == "timestamp") {
    Simple(args[0], out, [ts](double) { return static_cast<double>(ts) / 1000; });
  } else if (name == "clamp") {
    double min = scalar(1), max = scalar(2);
    if (max < min) return Status::Ok();
    Simple(args[0], out, [=](double v) { return GoMax(min, GoMin(max, v)); });
  } else if (name == "clamp_max") {
    double max = scalar(1);
    Simple(args[0], out, [=](double v) { return GoMin(v, max); });
  } else if (name == "clamp_min") {
    double min = scalar(1);
    Simple(args[0], out, [=](double v) { return GoMax(v, min); });
  } else if (name == "round") {
    double to_nearest = e.args.size() > 1 ? scalar(1) : 1;
    double inverse = 1.0 / to_nearest;
    Simple(args[0], out, [=](double v) { return std::floor(v * inverse + 0.5) / inverse; });
  } else if (name == "sort" || name == "sort_desc") {
    Vector v = args[0];
    if (name == "sort") {
      GoSort(v, [](const Sample& a, const Sample& b) { return std::isnan(b.v) || a.v < b.v; });
    } else {
      GoSort(v, [](const Sample& a, const Sample& b) { return std::isnan(b.v) || a.v > b.v; });
    }
    out->insert(out->end(), v.begin(), v.end());
  } else if (name == "absent") {
    if (args[0].empty()) out->push_back({LabelsForAbsent(*e.args[0]), ts, 1});
  } else if (name == "label_replace") {
    return LabelReplace(e, args[0], out);
  } else if (name == "label_join") {
    return LabelJoin(e, args[0], out);
  } else if (name == "histogram_quantile") {
    VIGIL_RETURN_IF_ERROR(HistogramQuantile(scalar(0), args[1], out));
    for (Sample& s : *out) s.t = ts;
  } else if (name == "histogram_count" || name == "histogram_sum" ||
             name == "histogram_fraction") {
    // Native histograms only; float samples give nothing.
  } else {
    return Internal("no implementation of function " + std::string(name));
  }
  return Status::Ok();
}

}  // namespace vigil::promql::internal
