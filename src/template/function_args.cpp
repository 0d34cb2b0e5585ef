#include "function_args.h"

#include "printf.h"

namespace vigil::tmpl {

Status WrongArgCount(std::string_view name, size_t want, size_t got) {
  return Status(StatusCode::kOutOfRange, "wrong number of args for " + std::string(name) +
                                             ": want " + std::to_string(want) + " got " +
                                             std::to_string(got));
}

Status CheckArgCount(std::string_view name, std::span<const Value> args, size_t want) {
  if (args.size() != want) return WrongArgCount(name, want, args.size());
  return Status::Ok();
}

bool IsWrongArgCount(const Status& status) { return status.code() == StatusCode::kOutOfRange; }

Result<std::string> StringArg(const Value& v) {
  if (v.is_string()) return v.as_string();
  return InvalidArgument("wrong type for value; expected string; got " + GoTypeName(v));
}

}  // namespace vigil::tmpl
