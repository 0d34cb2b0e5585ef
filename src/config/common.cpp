#include "vigil/config/common.h"

#include <array>
#include <cctype>
#include <ostream>
#include <utility>

namespace vigil::config {
namespace {

constexpr std::array<std::pair<RelabelAction, std::string_view>, 11> kActions = {{
    {RelabelAction::kReplace, "replace"},
    {RelabelAction::kKeep, "keep"},
    {RelabelAction::kDrop, "drop"},
    {RelabelAction::kKeepEqual, "keepequal"},
    {RelabelAction::kDropEqual, "dropequal"},
    {RelabelAction::kHashMod, "hashmod"},
    {RelabelAction::kLabelMap, "labelmap"},
    {RelabelAction::kLabelDrop, "labeldrop"},
    {RelabelAction::kLabelKeep, "labelkeep"},
    {RelabelAction::kLowercase, "lowercase"},
    {RelabelAction::kUppercase, "uppercase"},
}};

}  // namespace

std::string_view Secret::Redacted() const { return value_.empty() ? "" : kSecretToken; }

std::ostream& operator<<(std::ostream& os, const Secret& secret) { return os << secret.Redacted(); }

std::string_view RelabelActionName(RelabelAction action) {
  for (const auto& [a, name] : kActions) {
    if (a == action) return name;
  }
  return "replace";
}

std::optional<RelabelAction> ParseRelabelAction(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [a, n] : kActions) {
    if (n == lower) return a;
  }
  return std::nullopt;
}

}  // namespace vigil::config
