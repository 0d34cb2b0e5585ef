// Format negotiation (Accept / Content-Type) and the Parser factory.
#include <cctype>
#include <memory>
#include <string>

#include "openmetrics_parser.h"
#include "text_parser.h"
#include "vigil/expfmt/parser.h"

namespace vigil::expfmt {

std::string_view ScrapeAcceptHeader() {
  return "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
         "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
}

Format FormatFromContentType(std::string_view content_type) {
  // As Prometheus: the media type (before any parameter), case-insensitive;
  // only OpenMetrics changes the parser, anything else is read as text.
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  constexpr std::string_view kOpenMetrics = "application/openmetrics-text";
  if (media.size() != kOpenMetrics.size()) return Format::kText;
  for (size_t i = 0; i < media.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != kOpenMetrics[i]) return Format::kText;
  }
  return Format::kOpenMetrics;
}

std::string Violation::ToString() const {
  return std::to_string(position.line) + ":" + std::to_string(position.column) + ": " + message;
}

std::unique_ptr<Parser> Parser::New(std::string_view body, Format format) {
  if (format == Format::kOpenMetrics) return std::make_unique<internal::OpenMetricsParser>(body);
  return std::make_unique<internal::TextParser>(body);
}

}  // namespace vigil::expfmt
