#include "routing.h"

#include <algorithm>

namespace vigil::notify {
namespace {

// Go's %q for the printable ASCII text label values mostly are: backslash,
// quote and control characters escaped.
void AppendGoQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          *out += "\\x";
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

std::string MatchersKey(const std::vector<model::Matcher>& matchers) {
  std::vector<const model::Matcher*> sorted;
  for (const model::Matcher& m : matchers) sorted.push_back(&m);
  // Alertmanager's labels.Matchers order: name, then value, then type.
  std::sort(sorted.begin(), sorted.end(), [](const model::Matcher* a, const model::Matcher* b) {
    if (a->name() != b->name()) return a->name() < b->name();
    if (a->value() != b->value()) return a->value() < b->value();
    return static_cast<int>(a->type()) < static_cast<int>(b->type());
  });
  std::string out = "{";
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) out += ',';
    out += sorted[i]->name();
    out += model::MatchTypeString(sorted[i]->type());
    AppendGoQuoted(sorted[i]->value(), &out);
  }
  out += '}';
  return out;
}

RouteNode Build(const config::Route& route, const std::string& parent_key) {
  RouteNode node;
  node.route = &route;
  node.key = parent_key.empty() ? MatchersKey(route.matchers)
                                : parent_key + "/" + MatchersKey(route.matchers);
  for (const config::Route& child : route.routes) node.children.push_back(Build(child, node.key));
  return node;
}

bool RouteMatches(const config::Route& route, const model::Labels& labels) {
  for (const model::Matcher& m : route.matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

void Match(const RouteNode& node, const model::Labels& labels, std::vector<const RouteNode*>* out) {
  if (!RouteMatches(*node.route, labels)) return;
  size_t before = out->size();
  for (const RouteNode& child : node.children) {
    size_t n = out->size();
    Match(child, labels, out);
    if (out->size() > n && !child.route->continue_matching) break;
  }
  if (out->size() == before) out->push_back(&node);
}

}  // namespace

RouteNode BuildRouteTree(const config::Route& root) { return Build(root, ""); }

std::vector<const RouteNode*> MatchRoutes(const RouteNode& root, const model::Labels& labels) {
  std::vector<const RouteNode*> out;
  Match(root, labels, &out);
  return out;
}

model::Labels GroupLabels(const config::Route& route, const model::Labels& labels) {
  if (route.group_by_all) return labels;
  model::LabelsBuilder b;
  for (const std::string& name : route.group_by) {
    std::string_view v = labels.Get(name);
    if (!v.empty()) b.Set(name, v);
  }
  return b.Build();
}

std::string GroupKey(const RouteNode& node, const model::Labels& group_labels) {
  std::string out = node.key + ":{";
  bool first = true;
  for (const model::Label& l : group_labels) {
    if (!first) out += ", ";
    first = false;
    out += l.name;
    out += '=';
    AppendGoQuoted(l.value, &out);
  }
  out += '}';
  return out;
}

}  // namespace vigil::notify
