#include "discovery.h"

#include <glob.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace vigil::scrape {
namespace {

Result<model::Labels> GroupTarget(const std::string& address,
                                  const std::map<std::string, std::string>& labels,
                                  const std::string& path) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [k, v] : labels) {
    if (!model::IsValidLabelName(k)) return InvalidArgument("\"" + k + "\" is not a valid label name");
    if (k != "__address__") pairs.emplace_back(k, v);
  }
  pairs.emplace_back("__address__", address);
  if (!path.empty()) pairs.emplace_back("__meta_filepath", path);
  return model::Labels::FromPairs(std::move(pairs));
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Result<std::vector<TargetGroup>> FromJson(std::string_view content, const std::string& path) {
  nlohmann::json doc = nlohmann::json::parse(content, nullptr, false);
  if (doc.is_discarded() || !doc.is_array()) {
    return InvalidArgument(path + ": expected a JSON list of {\"targets\": [...], \"labels\": {...}}");
  }
  std::vector<TargetGroup> groups;
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& g = doc[i];
    if (!g.is_object()) return InvalidArgument(path + ": group " + std::to_string(i) + " is not an object");
    std::map<std::string, std::string> labels;
    if (g.contains("labels")) {
      if (!g["labels"].is_object()) return InvalidArgument(path + ": labels must be an object");
      for (const auto& [k, v] : g["labels"].items()) {
        if (!v.is_string()) return InvalidArgument(path + ": label " + k + " must be a string");
        labels[k] = v.get<std::string>();
      }
    }
    TargetGroup group;
    group.source = path + ":" + std::to_string(i);
    if (g.contains("targets")) {
      if (!g["targets"].is_array()) return InvalidArgument(path + ": targets must be a list");
      for (const auto& t : g["targets"]) {
        if (!t.is_string()) return InvalidArgument(path + ": a target must be a string");
        VIGIL_ASSIGN_OR_RETURN(model::Labels l, GroupTarget(t.get<std::string>(), labels, path));
        group.targets.push_back(std::move(l));
      }
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

Result<std::vector<TargetGroup>> FromYaml(std::string_view content, const std::string& path) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ": " + e.what());
  }
  if (doc.IsNull()) return std::vector<TargetGroup>();
  if (!doc.IsSequence()) return InvalidArgument(path + ": expected a list of groups");
  std::vector<TargetGroup> groups;
  try {
    for (size_t i = 0; i < doc.size(); ++i) {
      const YAML::Node g = doc[i];
      if (!g.IsMap()) return InvalidArgument(path + ": group " + std::to_string(i) + " is not a map");
      std::map<std::string, std::string> labels;
      if (g["labels"]) {
        for (const auto& kv : g["labels"]) labels[kv.first.as<std::string>()] = kv.second.as<std::string>();
      }
      TargetGroup group;
      group.source = path + ":" + std::to_string(i);
      if (g["targets"]) {
        for (const auto& t : g["targets"]) {
          VIGIL_ASSIGN_OR_RETURN(model::Labels l, GroupTarget(t.as<std::string>(), labels, path));
          group.targets.push_back(std::move(l));
        }
      }
      groups.push_back(std::move(group));
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ": " + e.what());
  }
  return groups;
}

std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

}  // namespace

std::vector<TargetGroup> StaticGroups(const std::vector<config::StaticConfig>& configs) {
  std::vector<TargetGroup> groups;
  for (size_t i = 0; i < configs.size(); ++i) {
    TargetGroup group;
    group.source = std::to_string(i);
    for (const std::string& t : configs[i].targets) {
      // The config loader validated the label names already.
      group.targets.push_back(*GroupTarget(t, configs[i].labels, ""));
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

Result<std::vector<TargetGroup>> ParseFileSd(std::string_view content, const std::string& path) {
  if (EndsWith(path, ".json")) return FromJson(content, path);
  if (EndsWith(path, ".yml") || EndsWith(path, ".yaml")) return FromYaml(content, path);
  return InvalidArgument(path + ": file SD files must end in .json, .yml or .yaml");
}

std::vector<TargetGroup> ReadFileSd(const std::vector<config::FileSdConfig>& configs,
                                    const std::map<std::string, std::vector<TargetGroup>>& previous,
                                    std::map<std::string, std::vector<TargetGroup>>* by_file,
                                    std::vector<std::string>* errors) {
  by_file->clear();
  for (const config::FileSdConfig& c : configs) {
    for (const std::string& pattern : c.files) {
      for (const std::string& path : Glob(pattern)) {
        std::ifstream f(path);
        std::stringstream ss;
        ss << f.rdbuf();
        Result<std::vector<TargetGroup>> parsed =
            f ? ParseFileSd(ss.str(), path) : Result<std::vector<TargetGroup>>(
                                                  IoError(path + ": cannot read file"));
        if (parsed.ok()) {
          (*by_file)[path] = std::move(*parsed);
        } else {
          errors->push_back(parsed.status().message());
          auto it = previous.find(path);
          if (it != previous.end()) (*by_file)[path] = it->second;
        }
      }
    }
  }
  std::vector<TargetGroup> all;
  for (const auto& [path, groups] : *by_file) all.insert(all.end(), groups.begin(), groups.end());
  return all;
}

}  // namespace vigil::scrape
