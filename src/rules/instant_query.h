// Runs a rule's expression at one timestamp, as Prometheus's
// EngineQueryFunc: a vector as is (samples stamped with `ts`), a scalar as
// one sample without labels, anything else an error.
// Thread-safety: as the engine (any thread).
#pragma once

#include "vigil/promql/ast.h"
#include "vigil/promql/value.h"
#include "vigil/rules/rule.h"

namespace vigil::rules {

Result<promql::Vector> EvalInstant(const EvalContext& ctx, const promql::Expr& expr,
                                   TimestampMs ts);

}  // namespace vigil::rules
