// Alert label and annotation templates as Prometheus 2.42 expands them: the
// text is prefixed with {{$labels := .Labels}}{{$externalLabels :=
// .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}} and
// parsed as the template "__alert_NAME" with Prometheus's rule-template
// functions; `query` runs an instant query at the evaluation time.
// Thread-safety: pure functions (the engine and storage are thread-safe).
#pragma once

#include <string>
#include <string_view>

#include "vigil/base/status.h"
#include "vigil/model/labels.h"
#include "vigil/rules/rule.h"
#include "vigil/template/template.h"

namespace vigil::rules {

// Parses the template as Prometheus's ParseTest does; the error is Go's text
// ("template: __alert_X:1: function \"foo\" not defined").
Status CheckAlertTemplate(std::string_view alert_name, std::string_view text);

// The template functions for one evaluation: `query` evaluates at `ts`.
tmpl::FuncMap AlertFunctions(const EvalContext& ctx, TimestampMs ts);

// Expands `text` for one result series (its labels and value); on error the
// text is "<error expanding template: ...>" and the error is logged.
std::string ExpandAlertTemplate(std::string_view alert_name, std::string_view text,
                                const model::Labels& series_labels, double value,
                                const EvalContext& ctx, const tmpl::FuncMap& functions);

}  // namespace vigil::rules
