// The routing tree and inhibit rules of an Alertmanager 0.25 config, and its
// matcher syntax (pkg/labels/parse.go). Children inherit receiver, group_by
// and timers from their parent, as Alertmanager's dispatch.NewRoute does.
#include <algorithm>
#include <set>

#include "internal.h"

namespace vigil::config {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsMatcherNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

// One `name op value` (labels.ParseMatcher).
Result<model::Matcher> ParseOneMatcher(std::string_view s) {
  const Status bad = InvalidArgument("bad matcher format: " + std::string(s));
  size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  size_t name_start = i;
  while (i < s.size() && IsMatcherNameChar(s[i], i == name_start)) ++i;
  std::string name(s.substr(name_start, i - name_start));
  if (name.empty()) return bad;
  while (i < s.size() && IsSpace(s[i])) ++i;
  model::MatchType type;
  std::string_view rest = s.substr(i);
  if (rest.starts_with("=~")) {
    type = model::MatchType::kRegexMatch;
  } else if (rest.starts_with("!=")) {
    type = model::MatchType::kNotEqual;
  } else if (rest.starts_with("!~")) {
    type = model::MatchType::kRegexNoMatch;
  } else if (rest.starts_with("=")) {
    type = model::MatchType::kEqual;
  } else {
    return bad;
  }
  rest.remove_prefix(type == model::MatchType::kEqual ? 1 : 2);
  while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
  while (!rest.empty() && IsSpace(rest.back())) rest.remove_suffix(1);
  const std::string raw(rest);
  const Status unescaped_quote =
      InvalidArgument("matcher value contains unescaped double quote: " + raw);
  bool quoted = !rest.empty() && rest.front() == '"';
  if (quoted) rest.remove_prefix(1);
  std::string value;
  bool escaped = false;
  for (size_t j = 0; j < rest.size(); ++j) {
    char c = rest[j];
    if (escaped) {
      escaped = false;
      if (c == 'n') {
        value += '\n';
      } else if (c == '"' || c == '\\') {
        value += c;
      } else {
        value += '\\';
        value += c;
      }
      continue;
    }
    if (c == '\\') {
      if (j + 1 < rest.size()) {
        escaped = true;
      } else {
        value += '\\';
      }
    } else if (c == '"') {
      if (!quoted || j + 1 < rest.size()) return unescaped_quote;
      quoted = false;
    } else {
      value += c;
    }
  }
  if (quoted) return unescaped_quote;
  return model::Matcher::Make(type, std::move(name), std::move(value));
}

}  // namespace

Result<std::vector<model::Matcher>> ParseAlertmanagerMatchers(std::string_view s) {
  if (s.starts_with("{")) s.remove_prefix(1);
  if (s.ends_with("}")) s.remove_suffix(1);
  std::vector<std::string> tokens;
  std::string token;
  bool in_quotes = false;
  bool escaped = false;
  for (char c : s) {
    if (c == ',' && !in_quotes) {
      tokens.push_back(token);
      token.clear();
      continue;
    }
    if (c == '"') {
      if (!escaped) {
        in_quotes = !in_quotes;
      } else {
        escaped = false;
      }
    } else if (c == '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += c;
  }
  size_t b = 0;
  size_t e = token.size();
  while (b < e && IsSpace(token[b])) ++b;
  while (e > b && IsSpace(token[e - 1])) --e;
  if (e > b) tokens.push_back(token.substr(b, e - b));
  std::vector<model::Matcher> out;
  for (const std::string& t : tokens) {
    VIGIL_ASSIGN_OR_RETURN(model::Matcher m, ParseOneMatcher(t));
    out.push_back(std::move(m));
  }
  return out;
}

namespace internal {
namespace {

struct Names {
  const std::vector<std::string>& receivers;
  const std::vector<std::string>& time_intervals;
};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// `match` (regex=false) or `match_re` (regex=true): label name -> value.
void DecodeMatchMap(MapReader& r, std::string_view key, bool regex,
                    std::vector<model::Matcher>* out) {
  YAML::Node n = r.Get(key);
  if (IsNullNode(n)) return;
  MapReader m(r.decoder(), n, r.KeyMark(key), r.KeyPath(key));
  for (const std::string& name : m.Keys()) {
    YAML::Node value = m.Get(name);
    if (!IsValidLabelName(name)) {
      m.Error(name, "invalid label name " + Quote(name));
      continue;
    }
    if (regex && IsNullNode(value)) {
      m.Error(name, "invalid regexp value for " + Quote(name));
      continue;
    }
    std::string text;
    if (!ReadString(r.decoder(), value, m.KeyMark(name), m.KeyPath(name), &text)) continue;
    auto matcher = model::Matcher::Make(
        regex ? model::MatchType::kRegexMatch : model::MatchType::kEqual, name, text);
    if (matcher.ok()) {
      out->push_back(std::move(*matcher));
    } else {
      m.Error(name, matcher.status().message());
    }
  }
}

// A `matchers` list of matcher strings.
void DecodeMatcherList(MapReader& r, std::string_view key, std::vector<model::Matcher>* out) {
  std::vector<std::string> lines;
  if (!r.StringList(key, &lines)) return;
  const YAML::Node list = r.Get(key);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto parsed = ParseAlertmanagerMatchers(lines[i]);
    if (!parsed.ok()) {
      r.decoder().Error(list[i].Mark(), r.KeyPath(key) + "[" + std::to_string(i) + "]",
                        parsed.status().message());
      continue;
    }
    for (model::Matcher& m : *parsed) out->push_back(std::move(m));
  }
}

void DecodeIntervalRefs(MapReader& r, std::string_view key, const Names& names,
                        std::vector<std::string>* out) {
  if (!r.StringList(key, out)) return;
  for (const std::string& name : *out) {
    if (!Contains(names.time_intervals, name)) {
      r.Error(key, "undefined time interval " + Quote(name) + " used in route");
    }
  }
}

// Decodes one route. `out` arrives holding the parent's effective settings
// (or the defaults, for the root) and leaves holding this route's.
void DecodeRoute(MapReader& r, const Names& names, Route* out) {
  std::string receiver;
  if (r.String("receiver", &receiver) && !receiver.empty()) {
    out->receiver = receiver;
    if (!Contains(names.receivers, receiver)) {
      r.Error("receiver", "undefined receiver " + Quote(receiver) + " used in route");
    }
  }
  std::vector<std::string> group_by;
  if (r.StringList("group_by", &group_by)) {
    out->group_by.clear();
    out->group_by_all = false;
    std::set<std::string> seen;
    for (const std::string& label : group_by) {
      if (label == "...") {
        out->group_by_all = true;
      } else if (!IsValidLabelName(label)) {
        r.Error("group_by", "invalid label name " + Quote(label) + " in group_by list");
      } else if (!seen.insert(label).second) {
        r.Error("group_by", "duplicated label " + Quote(label) + " in group_by");
      } else {
        out->group_by.push_back(label);
      }
    }
    if (out->group_by_all && !out->group_by.empty()) {
      r.Error("group_by",
              "cannot have wildcard group_by (`...`) and other labels at the same time");
    }
  }
  r.Duration("group_wait", &out->group_wait);
  if (r.Duration("group_interval", &out->group_interval) && out->group_interval.count() == 0) {
    r.Error("group_interval", "group_interval cannot be zero");
  }
  if (r.Duration("repeat_interval", &out->repeat_interval) && out->repeat_interval.count() == 0) {
    r.Error("repeat_interval", "repeat_interval cannot be zero");
  }
  // Matchers, continue and time intervals are the route's own, never inherited.
  out->matchers.clear();
  out->continue_matching = false;
  out->mute_time_intervals.clear();
  out->active_time_intervals.clear();
  out->routes.clear();
  DecodeMatchMap(r, "match", false, &out->matchers);
  DecodeMatchMap(r, "match_re", true, &out->matchers);
  DecodeMatcherList(r, "matchers", &out->matchers);
  r.Bool("continue", &out->continue_matching);
  DecodeIntervalRefs(r, "mute_time_intervals", names, &out->mute_time_intervals);
  DecodeIntervalRefs(r, "active_time_intervals", names, &out->active_time_intervals);
  r.List("routes", &out->routes,
         [&](const YAML::Node& n, const YAML::Mark& m, const std::string& p, Route* child) {
           *child = *out;
           MapReader c(r.decoder(), n, m, p);
           if (!c.is_map()) return;
           DecodeRoute(c, names, child);
           c.Done();
         });
}

}  // namespace

void DecodeRootRoute(MapReader& r, const std::vector<std::string>& receivers,
                     const std::vector<std::string>& time_intervals, Route* out) {
  Names names{receivers, time_intervals};
  *out = Route();
  DecodeRoute(r, names, out);
  if (out->receiver.empty()) r.ErrorHere("root route must specify a default receiver");
  if (!out->matchers.empty()) r.ErrorHere("root route must not have any matchers");
  if (!out->mute_time_intervals.empty()) {
    r.ErrorHere("root route must not have any mute time intervals");
  }
  if (!out->active_time_intervals.empty()) {
    r.ErrorHere("root route must not have any active time intervals");
  }
  if (out->continue_matching) r.ErrorHere("cannot have continue in root route");
}

void DecodeInhibitRule(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                       const std::string& path, InhibitRule* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  DecodeMatchMap(r, "source_match", false, &out->source_matchers);
  DecodeMatchMap(r, "source_match_re", true, &out->source_matchers);
  DecodeMatcherList(r, "source_matchers", &out->source_matchers);
  DecodeMatchMap(r, "target_match", false, &out->target_matchers);
  DecodeMatchMap(r, "target_match_re", true, &out->target_matchers);
  DecodeMatcherList(r, "target_matchers", &out->target_matchers);
  if (r.StringList("equal", &out->equal)) {
    for (const std::string& label : out->equal) {
      if (!IsValidLabelName(label)) {
        r.Error("equal", "invalid label name " + Quote(label) + " in equal list");
      }
    }
  }
  r.Done();
}

}  // namespace internal
}  // namespace vigil::config
