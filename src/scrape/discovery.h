// Service discovery: where a scrape pool's targets come from. static_configs
// give fixed groups; file_sd_configs read JSON or YAML files of
// [{targets: [...], labels: {...}}], re-read when a file changes and every
// refresh_interval, as Prometheus's file SD.
// Thread-safety: ReadFileSd is reentrant; FileDiscovery is driven by its owner.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/config/config.h"
#include "vigil/model/labels.h"

namespace vigil::scrape {

// One group of targets from one source; each target's labels hold its
// __address__, the group's labels and any __meta_* labels.
struct TargetGroup {
  std::string source;
  std::vector<model::Labels> targets;
  friend bool operator==(const TargetGroup&, const TargetGroup&) = default;
};

std::vector<TargetGroup> StaticGroups(const std::vector<config::StaticConfig>& configs);

// Parses one file SD file (JSON, or YAML for .yml/.yaml). `path` names the
// source and the __meta_filepath label.
Result<std::vector<TargetGroup>> ParseFileSd(std::string_view content, const std::string& path);

// The groups of every file matched by the configs' globs. A file that cannot
// be read or parsed keeps the groups it had last time (`previous`), and the
// error is returned in `errors`.
std::vector<TargetGroup> ReadFileSd(const std::vector<config::FileSdConfig>& configs,
                                    const std::map<std::string, std::vector<TargetGroup>>& previous,
                                    std::map<std::string, std::vector<TargetGroup>>* by_file,
                                    std::vector<std::string>* errors);

}  // namespace vigil::scrape
