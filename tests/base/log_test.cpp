#include "vigil/base/log.h"

#include <gtest/gtest.h>

namespace vigil::log {
namespace {

TEST(Log, LogfmtQuotesWhereNeeded) {
  std::string line = FormatLine(Format::kLogfmt, Level::kWarn, "T", "Config reload failed",
                                {{"file", "/etc/vigil.yml"}, {"err", "a \"b\"\nc"}, {"n", 3}});
  EXPECT_EQ(line,
            "ts=T level=warn msg=\"Config reload failed\" file=/etc/vigil.yml "
            "err=\"a \\\"b\\\"\\nc\" n=3");
  EXPECT_EQ(FormatLine(Format::kLogfmt, Level::kInfo, "T", "x", {{"empty", ""}}),
            "ts=T level=info msg=x empty=\"\"");
}

TEST(Log, JsonKeepsTypes) {
  std::string line = FormatLine(Format::kJson, Level::kInfo, "T", "request",
                                {{"path", "/metrics"}, {"status", 200}, {"ok", true},
                                 {"ms", 1.5}});
  EXPECT_EQ(line,
            R"({"ts":"T","level":"info","msg":"request","path":"/metrics","status":200,)"
            R"("ok":true,"ms":1.5})");
}

TEST(Log, ParsesFlags) {
  EXPECT_EQ(*ParseLevel("debug"), Level::kDebug);
  EXPECT_EQ(*ParseFormat("json"), Format::kJson);
  EXPECT_FALSE(ParseLevel("verbose").ok());
  EXPECT_FALSE(ParseFormat("xml").ok());
}

TEST(Log, LevelFilters) {
  Init(Level::kWarn, Format::kLogfmt);
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  Init(Level::kInfo, Format::kLogfmt);
}

}  // namespace
}  // namespace vigil::log
