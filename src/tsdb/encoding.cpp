#include "encoding.h"

#include <utility>
#include <vector>

namespace vigil::tsdb {

Result<model::Labels> DecodeLabels(std::string_view encoded) {
  ByteReader r(encoded);
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!r.empty()) {
    std::string_view name;
    std::string_view value;
    if (!r.GetLengthPrefixed(&name) || !r.GetLengthPrefixed(&value)) {
      return Status(StatusCode::kCorruption, "truncated label set");
    }
    if (!pairs.empty() && name <= pairs.back().first) {
      return Status(StatusCode::kCorruption, "label names not sorted and unique");
    }
    pairs.emplace_back(std::string(name), std::string(value));
  }
  return model::Labels::FromPairs(std::move(pairs));
}

}  // namespace vigil::tsdb
