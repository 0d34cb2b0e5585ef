// libFuzzer target for the PromQL parser: any input must give an expression
// or an error, without crashing, hanging or tripping the sanitizers; an
// expression must print to text that parses again to the same query (the
// oracle and why it sets unary plus aside: promql_round_trip.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "promql_round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto expr = vigil::promql::ParseExpr(input);
  if (!expr.ok()) return 0;
  std::string problem = vigil::promql::fuzz::RoundTripProblem(**expr);
  if (!problem.empty()) {
    std::fprintf(stderr, "round trip: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
