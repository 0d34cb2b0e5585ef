// The vigil command line: --help, --version, flags, `vigil check config`.
#include <gtest/gtest.h>

#include "process.h"

namespace vigil::testing {
namespace {

TEST(Cli, Version) {
  CommandResult r = RunCommand({VIGIL_BINARY, "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output.rfind("vigil, version ", 0), 0u) << r.output;
}

TEST(Cli, Help) {
  CommandResult r = RunCommand({VIGIL_BINARY, "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("check config"), std::string::npos);
  r = RunCommand({VIGIL_BINARY, "serve", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--config.file", "--web.listen-address", "--storage.tsdb.path",
                           "--log.level", "--log.format"}) {
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
  }
}

TEST(Cli, BadFlagsAreUsageErrors) {
  EXPECT_EQ(RunCommand({VIGIL_BINARY, "--no-such-flag"}).exit_code, 2);
  CommandResult r = RunCommand({VIGIL_BINARY, "--log.level=loud"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown log level"), std::string::npos);
  EXPECT_EQ(RunCommand({VIGIL_BINARY, "frobnicate"}).exit_code, 2);
  r = RunCommand({VIGIL_BINARY, "--storage.tsdb.retention.size=99999999999999999999GB"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("invalid size"), std::string::npos) << r.output;
  EXPECT_EQ(RunCommand({VIGIL_BINARY, "--storage.tsdb.retention.time=forever"}).exit_code, 2);
}

TEST(Cli, CheckConfigAcceptsTheShippedConfig) {
  CommandResult r = RunCommand({VIGIL_BINARY, "check", "config", VIGIL_SOURCE_DIR "/config/vigil.yml"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("SUCCESS"), std::string::npos);
}

TEST(Cli, CheckConfigReportsErrorsWithPositions) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/bad.yml",
            "global:\n  scrape_interval: 1m\nscrape_configs:\n  - job_name: a\n    bogus: 1\n");
  CommandResult r = RunCommand({VIGIL_BINARY, "check", "config", dir + "/bad.yml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("FAILED"), std::string::npos);
  EXPECT_NE(r.output.find("bad.yml:5:5"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("bogus"), std::string::npos);
  r = RunCommand({VIGIL_BINARY, "check", "config", dir + "/missing.yml"});
  EXPECT_EQ(r.exit_code, 1);
}

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

TEST(Cli, CheckMetricsReportsPositionsAndLints) {
  CommandResult ok = RunCommandWithInput({VIGIL_BINARY, "check", "metrics"},
                                         "# HELP up_total Up.\n# TYPE up_total counter\n"
                                         "up_total 1\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  CommandResult bad = RunCommandWithInput({VIGIL_BINARY, "check", "metrics"},
                                          "good 1\nbad{a=\"1\",a=\"2\"} 1\n");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("2:"), std::string::npos) << bad.output;
  CommandResult lint = RunCommandWithInput({VIGIL_BINARY, "check", "metrics"},
                                           "# TYPE requests counter\nrequests 1\n");
  EXPECT_EQ(lint.exit_code, 0);
  EXPECT_NE(lint.output.find("requests"), std::string::npos) << lint.output;  // no HELP, no _total
  CommandResult om = RunCommandWithInput(
      {VIGIL_BINARY, "check", "metrics",
       "--content-type=application/openmetrics-text; version=1.0.0"},
      "# TYPE a counter\na_total 1\n");  // no # EOF
  EXPECT_EQ(om.exit_code, 1) << om.output;
}

}  // namespace
}  // namespace vigil::testing
