// TextParser: the Prometheus text format 0.0.4, read as Prometheus 2.42's
// scraper reads it (model/textparse/promparse.go: blanks and tabs allowed
// between tokens, a trailing comma in label sets, integer millisecond
// timestamps, a NUL byte at the start of a line ends the body). Whatever
// that scraper rejects is fatal; what it ingests but Go's expfmt.TextParser
// rejects is a semantic violation (TextRules and the lexical checks here).
//
// Decision — negative timestamps (the corpus case from_test_parse_3): Go's
// text parser accepts `decoy -1 -2`, Prometheus 2.42's scraper fails the
// scrape ("expected timestamp or new record"). vigil follows the scraper:
// the body is fatal, for the scrape and for `vigil check metrics` alike, so
// the check never passes a body that the scraper would reject.
// Thread-safety: one thread; the body must outlive the parser.
#pragma once

#include <string_view>

#include "lex_util.h"
#include "parser_base.h"
#include "text_rules.h"

namespace vigil::expfmt::internal {

class TextParser final : public ParserBase {
 public:
  explicit TextParser(std::string_view body);

 private:
  Result<Entry> Step() override;
  Result<Entry> ParseComment(size_t start);
  Result<Entry> ParseSample(size_t start);
  // *p is just after '{'; on success it is just after '}'.
  bool ParseLabels(size_t* p);
  void CheckHelpEscapes(std::string_view text, size_t offset);

  size_t Eol(size_t from) const;
  // Compares, not the class table: a table lookup waits on the byte's load,
  // and this runs four times per label, mostly skipping nothing.
  size_t SkipBlanks(size_t p) const {
    while (p < body_.size() && (body_[p] == ' ' || body_[p] == '\t')) ++p;
    return p;
  }

  TextRules rules_;
  bool done_ = false;
  // The last line has content but no newline (Go's parser rejects that).
  bool missing_final_newline_ = false;
};

}  // namespace vigil::expfmt::internal
