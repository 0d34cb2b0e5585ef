// JSON encodings of the notification state kept on disk: alerts, matchers
// and silences. Decoding fails with a Status naming the bad field, so a
// damaged record is reported rather than half-loaded.
#pragma once

#include <nlohmann/json.hpp>

#include "vigil/base/result.h"
#include "vigil/model/labels.h"
#include "vigil/model/matcher.h"
#include "vigil/notify/silences.h"
#include "vigil/notify/sink.h"

namespace vigil::notify {

nlohmann::json LabelsToJson(const model::Labels& labels);
Result<model::Labels> LabelsFromJson(const nlohmann::json& j);

nlohmann::json AlertToJson(const Alert& alert);
Result<Alert> AlertFromJson(const nlohmann::json& j);

nlohmann::json MatcherToJson(const model::Matcher& m);
Result<model::Matcher> MatcherFromJson(const nlohmann::json& j);

nlohmann::json SilenceToJson(const Silence& s);
Result<Silence> SilenceFromJson(const nlohmann::json& j);

}  // namespace vigil::notify
