// Alertmanager 0.25's template.Data as template values: .Receiver, .Status,
// .Alerts (each .Status .Labels .Annotations .StartsAt .EndsAt .GeneratorURL
// .Fingerprint; .Alerts.Firing, .Alerts.Resolved), .GroupLabels,
// .CommonLabels, .CommonAnnotations, .ExternalURL. Label sets are KV objects
// with .SortedPairs (each .Name .Value; .Names, .Values), .Names, .Values and
// .Remove; a missing key reads as "" (Alertmanager's missingkey=zero).
// Times are tmpl::TimeValue (Go's time.Time: printing, .Unix, .Format, date,
// tz, since); a firing alert's EndsAt is Go's zero time.
// Thread-safety: the values are immutable and may be rendered concurrently.
#pragma once

#include "vigil/notify/integration.h"
#include "vigil/template/template.h"

namespace vigil::notify {

tmpl::Value TemplateDataOf(const Notification& n);

// A label set as Alertmanager's template.KV.
tmpl::Value KvOf(const model::Labels& labels);

}  // namespace vigil::notify
