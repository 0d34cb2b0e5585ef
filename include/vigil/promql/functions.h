// The PromQL function table: every function Prometheus 2.42 knows, with its
// argument types, optional/variadic arguments and return type, as the parser
// type-checks calls.
// Thread-safety: immutable static data.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "vigil/promql/ast.h"

namespace vigil::promql {

struct Function {
  std::string_view name;
  std::vector<ValueType> arg_types;
  // 0: exactly arg_types.size() arguments. N > 0: between size()-1 and
  // size()-1+N arguments (optional trailing ones). -1: at least size()-1
  // arguments, any extra ones of the last type.
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
};

// The function called `name`, or nullptr.
const Function* LookupFunction(std::string_view name);

// All functions, sorted by name.
std::span<const Function> AllFunctions();

}  // namespace vigil::promql
