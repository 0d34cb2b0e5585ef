// The templates notifications are rendered with: vigil's default
// definitions (the names and output of Alertmanager 0.25's default.tmpl:
// __subject, __alertmanagerURL, __text_alert_list, slack.default.*,
// email.default.subject, email.default.html, ...) with Alertmanager's
// template functions, then the user's `templates:` files, whose definitions
// replace defaults of the same name.
// Thread-safety: the returned Template is immutable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/template/template.h"

namespace vigil::notify {

// vigil's default.tmpl.
std::string_view DefaultTemplateText();

// Parses the defaults, then every file matching the globs (already resolved
// against the config's directory), in glob order. Errors name the file.
Result<tmpl::Template> LoadNotificationTemplates(const std::vector<std::string>& globs);

}  // namespace vigil::notify
