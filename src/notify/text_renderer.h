// TextRenderer: Alertmanager's tmplText — renders the template texts of one
// receiver config against one notification's data, keeping the first error
// (every field is rendered; the notification fails if any failed).
// Thread-safety: one renderer per notification, used on one thread.
#pragma once

#include <string>
#include <string_view>

#include "vigil/base/status.h"
#include "vigil/template/template.h"

namespace vigil::notify {

class TextRenderer {
 public:
  TextRenderer(const tmpl::Template& templates, tmpl::Value data)
      : templates_(templates), data_(std::move(data)) {}

  std::string operator()(std::string_view text, tmpl::Escaping escaping = tmpl::Escaping::kNone) {
    if (text.empty()) return "";
    Result<std::string> out = templates_.ExecuteText(text, data_, escaping);
    if (out.ok()) return std::move(*out);
    if (error_.ok()) error_ = out.status();
    return "";
  }
  const Status& error() const { return error_; }

 private:
  const tmpl::Template& templates_;
  tmpl::Value data_;
  Status error_;
};

}  // namespace vigil::notify
