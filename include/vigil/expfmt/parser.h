// Parser: a streaming, zero-copy parser of the Prometheus text format 0.0.4
// and OpenMetrics 1.0 text format.
//
// The caller steps through the body entry by entry. For a series entry the
// parser hands out views into the body: Series() is the raw bytes of
// `name{labels}` exactly as written (scrape loops use it as a cache key, so a
// known series costs no label decoding), and Labels() decodes it on demand.
// No heap allocation per sample on the hot path.
//
// Violations come in two kinds (see Violation): fatal ones stop parsing — the
// body cannot be read, and the scrape stores nothing of it; semantic ones
// (forbidden by the spec, but ingested by Prometheus 2.42's scraper, e.g. a
// negative counter value) are recorded and parsing goes on.
//
// Thread-safety: a Parser is used by one thread; the body must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/model/labels.h"

namespace vigil::expfmt {

enum class Format {
  kText,         // text/plain; version=0.0.4
  kOpenMetrics,  // application/openmetrics-text; version=1.0.0
};

// The Accept header a scraper sends, preferring OpenMetrics, as Prometheus 2.42.
std::string_view ScrapeAcceptHeader();
// The format a response's Content-Type names; the text format when it names
// none we know (as Prometheus falls back).
Format FormatFromContentType(std::string_view content_type);

enum class MetricType {
  kUnknown,  // OpenMetrics "unknown", text "untyped", or no TYPE line
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateset,
};

struct Position {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

struct Violation {
  Position position;
  std::string message;
  bool fatal = false;

  // "line:column: message"
  std::string ToString() const;
};

struct Exemplar {
  model::Labels labels;
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

class Parser {
 public:
  enum class Entry {
    kEnd,      // the body is done (for OpenMetrics: after "# EOF")
    kSeries,   // a sample line
    kHelp,     // # HELP
    kType,     // # TYPE
    kUnit,     // # UNIT (OpenMetrics)
    kComment,  // any other comment line (text format)
  };

  static std::unique_ptr<Parser> New(std::string_view body, Format format);
  virtual ~Parser() = default;

  // Moves to the next entry. A fatal violation returns its Status
  // (InvalidArgument, message "line:column: ..."), and every later call
  // returns it again.
  virtual Result<Entry> Next() = 0;

  // --- kSeries ---
  // The raw `name{labels}` bytes of the current sample line.
  virtual std::string_view Series() const = 0;
  // Decodes the current series' labels, __name__ included, into *out.
  virtual void Labels(model::Labels* out) const = 0;
  virtual double Value() const = 0;
  // Milliseconds (OpenMetrics' seconds are converted), when the line has one.
  virtual std::optional<int64_t> TimestampMs() const = 0;
  // The exemplar of the current line, if it has one.
  virtual const Exemplar* CurrentExemplar() const = 0;

  // --- kHelp, kType, kUnit ---
  virtual std::string_view MetricFamily() const = 0;
  // kHelp: the unescaped help text. kUnit: the unit.
  virtual std::string_view Text() const = 0;
  // kType.
  virtual MetricType Type() const = 0;

  // Position of the start of the current entry.
  virtual Position CurrentPosition() const = 0;
  // Every semantic (non-fatal) violation seen so far, in order.
  virtual const std::vector<Violation>& SemanticViolations() const = 0;
};

}  // namespace vigil::expfmt
