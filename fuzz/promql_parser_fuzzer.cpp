// libFuzzer target for the PromQL parser: any input must give an expression
// or an error, without crashing, hanging or tripping the sanitizers; an
// expression must print to text that parses again and prints the same
// (the printer and parser agree, as Prometheus's String() round trip).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vigil/promql/parser.h"
#include "vigil/promql/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto expr = vigil::promql::ParseExpr(input);
  if (!expr.ok()) return 0;
  std::string printed = vigil::promql::Format(**expr);
  auto again = vigil::promql::ParseExpr(printed);
  if (!again.ok() || vigil::promql::Format(**again) != printed) std::abort();
  return 0;
}
