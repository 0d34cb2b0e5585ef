#include "function_args.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "go_time.h"
#include "printf.h"

namespace vigil::tmpl {

namespace {

Status WrongArgCount(std::string_view name, size_t want, size_t got) {
  return Status(StatusCode::kOutOfRange, "wrong number of args for " + std::string(name) +
                                             ": want " + std::to_string(want) + " got " +
                                             std::to_string(got));
}

}  // namespace

Status CheckArgCount(std::string_view name, std::span<const Value> args, size_t want) {
  if (args.size() != want) return WrongArgCount(name, want, args.size());
  return Status::Ok();
}

Status CheckArgCountAtLeast(std::string_view name, std::span<const Value> args, size_t want) {
  if (args.size() >= want) return Status::Ok();
  return Status(StatusCode::kOutOfRange, "wrong number of args for " + std::string(name) +
                                             ": want at least " + std::to_string(want) + " got " +
                                             std::to_string(args.size()));
}

bool IsArgumentError(const Status& status) { return status.code() == StatusCode::kOutOfRange; }

Result<std::string> StringArg(const Value& v) {
  if (v.is_string()) return v.as_string();
  return Status(StatusCode::kOutOfRange,
                "wrong type for value; expected string; got " + GoTypeName(v));
}

Result<double> FloatArg(const Value& v) {
  if (v.is_number()) return v.as_number();
  if (const DurationObject* d = AsDuration(v)) return static_cast<double>(d->nanos()) / 1e9;
  if (!v.is_string()) return InvalidArgument("can't convert " + GoTypeName(v) + " to float");
  const std::string& s = v.as_string();
  std::string prefix = "strconv.ParseFloat: parsing " + GoQuote(s) + ": ";
  // strtod also takes leading spaces and hex without a 'p' exponent; Go does not.
  bool hex = s.find_first_of("xX") != std::string::npos;
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0])) ||
      (hex && s.find_first_of("pP") == std::string::npos)) {
    return InvalidArgument(prefix + "invalid syntax");
  }
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (*end != '\0') return InvalidArgument(prefix + "invalid syntax");
  if (errno == ERANGE && std::isinf(d)) return InvalidArgument(prefix + "value out of range");
  return d;
}

}  // namespace vigil::tmpl
