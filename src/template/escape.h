// Escapers for text printed into HTML, JavaScript and URLs, as Go's
// text/template (html, js, urlquery) and html/template do, and the marker
// for HTML that must not be escaped (safeHtml). Thread-safety: pure.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vigil/template/template.h"

namespace vigil::tmpl {

// text/template's html: & ' < > " and NUL.
std::string HtmlEscape(std::string_view s);
// html/template's escaping of a value printed in a text node: also '+'.
std::string HtmlTemplateEscape(std::string_view s);
// text/template's js.
std::string JsEscape(std::string_view s);

// Trusted HTML (html/template's template.HTML): printed as is when
// executing with Escaping::kHtml; prints its text otherwise.
class SafeHtml : public Object {
 public:
  explicit SafeHtml(std::string html) : html_(std::move(html)) {}
  std::optional<Value> Field(std::string_view) const override { return std::nullopt; }
  std::string ToString() const override { return html_; }
  const std::string& html() const { return html_; }

 private:
  std::string html_;
};

Value MakeSafeHtml(std::string html);
// The SafeHtml in `v`, or null.
const SafeHtml* AsSafeHtml(const Value& v);

}  // namespace vigil::tmpl
