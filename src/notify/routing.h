// The routing tree as Alertmanager 0.25 walks it, and its group keys.
#pragma once

#include <string>
#include <vector>

#include "vigil/config/notifications.h"
#include "vigil/model/labels.h"

namespace vigil::notify {

// A route with the key Alertmanager gives it: the parent's key, "/", then
// the route's matchers sorted, as `{a="b",c=~"d"}`; the root's is "{}".
struct RouteNode {
  const config::Route* route = nullptr;
  std::string key;
  std::vector<RouteNode> children;
};

RouteNode BuildRouteTree(const config::Route& root);

// The routes an alert goes to: depth first, a matching child stops the walk
// of its siblings unless it has `continue`; a node none of whose children
// match is itself the match.
std::vector<const RouteNode*> MatchRoutes(const RouteNode& root, const model::Labels& labels);

// The labels of `labels` that the route groups by (all of them for `...`).
model::Labels GroupLabels(const config::Route& route, const model::Labels& labels);

// Alertmanager's group key: `<route key>:<group labels>`, the labels as Go's
// model.LabelSet prints them: `{a="b", c="d"}`.
std::string GroupKey(const RouteNode& node, const model::Labels& group_labels);

}  // namespace vigil::notify
