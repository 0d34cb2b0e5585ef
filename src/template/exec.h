// Executes a parsed template tree (Go's text/template exec.go): walks the
// nodes, evaluates pipelines, and writes the output. Thread-safety: each
// call has its own state; the trees and functions are only read.
#pragma once

#include <string>

#include "node.h"
#include "vigil/base/result.h"

namespace vigil::tmpl {

struct ExecEnv {
  const TreeMap& templates;  // for {{template}}
  const FuncMap& functions;  // user functions; builtins are looked up after them
  Escaping escaping;
};

// Errors read `template: NAME:LINE:COL: executing "NAME" at <NODE>: message`.
Result<std::string> ExecuteTree(const Tree& tree, const Value& dot, const ExecEnv& env);

}  // namespace vigil::tmpl
