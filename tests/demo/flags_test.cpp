#include "flags.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::demo {
namespace {

using Args = std::vector<std::string>;

TEST(FlagsTest, ServeDefaults) {
  Result<CommandLine> cl = ParseCommandLine({});
  ASSERT_TRUE(cl.ok()) << cl.status().ToString();
  EXPECT_EQ(cl->mode, CommandLine::Mode::kServe);
  EXPECT_EQ(cl->app.listen_address, "0.0.0.0:8080");
  EXPECT_EQ(cl->app.error_rate, 0);
  EXPECT_EQ(cl->app.latency, Duration::zero());
  EXPECT_EQ(cl->app.version_label, "stable");
  EXPECT_EQ(cl->log_format, log::Format::kJson);
  EXPECT_EQ(cl->log_level, log::Level::kInfo);
}

TEST(FlagsTest, ServeFlags) {
  Result<CommandLine> cl = ParseCommandLine(
      Args{"--web.listen-address=127.0.0.1:9999", "--error-rate=0.25", "--latency", "20ms",
           "--version-label=canary", "--log.level=debug", "--log.format=logfmt"});
  ASSERT_TRUE(cl.ok()) << cl.status().ToString();
  EXPECT_EQ(cl->app.listen_address, "127.0.0.1:9999");
  EXPECT_EQ(cl->app.error_rate, 0.25);
  EXPECT_EQ(cl->app.latency, std::chrono::milliseconds(20));
  EXPECT_EQ(cl->app.version_label, "canary");
  EXPECT_EQ(cl->log_level, log::Level::kDebug);
  EXPECT_EQ(cl->log_format, log::Format::kLogfmt);
}

TEST(FlagsTest, ServeRejectsBadValues) {
  for (const Args& args : std::vector<Args>{{"--error-rate=1.5"},
                                            {"--error-rate=abc"},
                                            {"--latency=20"},
                                            {"--latency=2h"},
                                            {"--log.level=loud"},
                                            {"--log.format=xml"},
                                            {"--no-such-flag"},
                                            {"stray"}}) {
    Result<CommandLine> cl = ParseCommandLine(args);
    EXPECT_FALSE(cl.ok()) << args[0];
    if (!cl.ok()) {
      EXPECT_EQ(cl.status().code(), StatusCode::kInvalidArgument) << args[0];
    }
  }
}

TEST(FlagsTest, Help) {
  Result<CommandLine> cl = ParseCommandLine(Args{"--help"});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->mode, CommandLine::Mode::kHelp);
  EXPECT_NE(cl->help.find("--web.listen-address"), std::string::npos);
  cl = ParseCommandLine(Args{"load", "--help"});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->mode, CommandLine::Mode::kHelp);
  EXPECT_NE(cl->help.find("--boom-ratio"), std::string::npos);
}

TEST(FlagsTest, Load) {
  Result<CommandLine> cl =
      ParseCommandLine(Args{"load", "--rate=200", "--duration=30s", "--target=http://h:8080",
                            "--boom-ratio=0.5", "--concurrency=8"});
  ASSERT_TRUE(cl.ok()) << cl.status().ToString();
  EXPECT_EQ(cl->mode, CommandLine::Mode::kLoad);
  EXPECT_EQ(cl->load.rate, 200);
  EXPECT_EQ(cl->load.duration, std::chrono::seconds(30));
  EXPECT_EQ(cl->load.target, "http://h:8080");
  EXPECT_EQ(cl->load.boom_ratio, 0.5);
  EXPECT_EQ(cl->load.concurrency, 8);
  EXPECT_TRUE(cl->load.stop_on_signals);
}

TEST(FlagsTest, LoadRequiresAndBoundsItsFlags) {
  const std::string target = "--target=http://h:1";
  for (const Args& args :
       std::vector<Args>{{"load", "--duration=1s", target},
                         {"load", "--rate=10", target},
                         {"load", "--rate=10", "--duration=1s"},
                         {"load", "--rate=10001", "--duration=1s", target},
                         {"load", "--rate=0", "--duration=1s", target},
                         {"load", "--rate=10", "--duration=2h", target},
                         {"load", "--rate=10", "--duration=0s", target},
                         {"load", "--rate=10", "--duration=1s", "--target=https://h:1"},
                         {"load", "--rate=10", "--duration=1s", target, "--boom-ratio=2"},
                         {"load", "--rate=10", "--duration=1s", target, "--concurrency=0"},
                         {"load", "--rate=10", "--duration=1s", target, "--concurrency=100000"}}) {
    EXPECT_FALSE(ParseCommandLine(args).ok()) << args[1] << " " << args[2];
  }
}

}  // namespace
}  // namespace vigil::demo
