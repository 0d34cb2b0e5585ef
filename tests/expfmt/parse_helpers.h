// Test helpers: run a parser over a body and keep what each entry said.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/expfmt/parser.h"

namespace vigil::expfmt {

struct Sample {
  std::string series;  // Series(), raw
  std::string labels;  // Labels().ToString()
  uint64_t value_bits = 0;
  std::optional<int64_t> ts;
  std::optional<std::string> exemplar;  // "{labels} value [ts]"
};

struct Parsed {
  std::vector<Sample> samples;
  std::vector<std::string> metadata;  // "HELP name text", "TYPE name type", "UNIT name u"
  std::vector<Violation> semantic;
  Status fatal;
};

inline uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

inline Parsed ParseAll(std::string_view body, Format format) {
  Parsed out;
  std::unique_ptr<Parser> p = Parser::New(body, format);
  model::Labels labels;
  for (;;) {
    Result<Parser::Entry> e = p->Next();
    if (!e.ok()) {
      out.fatal = e.status();
      break;
    }
    if (*e == Parser::Entry::kEnd) break;
    switch (*e) {
      case Parser::Entry::kSeries: {
        Sample s;
        s.series = std::string(p->Series());
        p->Labels(&labels);
        s.labels = labels.ToString();
        s.value_bits = Bits(p->Value());
        s.ts = p->TimestampMs();
        if (const Exemplar* ex = p->CurrentExemplar()) {
          std::string text = ex->labels.ToString() + " " + std::to_string(ex->value);
          if (ex->timestamp_ms) text += " " + std::to_string(*ex->timestamp_ms);
          s.exemplar = text;
        }
        out.samples.push_back(s);
        break;
      }
      case Parser::Entry::kHelp:
        out.metadata.push_back("HELP " + std::string(p->MetricFamily()) + " " +
                               std::string(p->Text()));
        break;
      case Parser::Entry::kType:
        out.metadata.push_back("TYPE " + std::string(p->MetricFamily()) + " " +
                               std::to_string(static_cast<int>(p->Type())));
        break;
      case Parser::Entry::kUnit:
        out.metadata.push_back("UNIT " + std::string(p->MetricFamily()) + " " +
                               std::string(p->Text()));
        break;
      default:
        break;
    }
  }
  out.semantic = p->SemanticViolations();
  return out;
}

}  // namespace vigil::expfmt
