#include "delays.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>

namespace vigil::demo {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

TEST(DelaysTest, FiresAfterTheDelay) {
  boost::asio::io_context io;
  Delays delays(io);
  std::optional<bool> fired;
  Clock::time_point at;
  const auto start = Clock::now();
  delays.After(milliseconds(30), [&](bool f) {
    fired = f;
    at = Clock::now();
  });
  EXPECT_EQ(delays.Pending(), 1u);
  io.run_for(std::chrono::seconds(10));  // returns once the timer has run
  ASSERT_TRUE(fired.has_value());
  EXPECT_TRUE(*fired);
  EXPECT_GE(at - start, milliseconds(30));
  EXPECT_EQ(delays.Pending(), 0u);
}

TEST(DelaysTest, CancelAllCompletesPendingAndLaterCalls) {
  boost::asio::io_context io;
  Delays delays(io);
  std::optional<bool> pending, later;
  delays.After(std::chrono::hours(1), [&](bool f) { pending = f; });
  delays.CancelAll();
  delays.After(milliseconds(1), [&](bool f) { later = f; });
  io.run_for(std::chrono::seconds(10));
  ASSERT_TRUE(pending.has_value());
  EXPECT_FALSE(*pending);
  ASSERT_TRUE(later.has_value());
  EXPECT_FALSE(*later);
}

TEST(DelaysTest, AThrowingCallbackDoesNotEscape) {
  boost::asio::io_context io;
  Delays delays(io);
  bool second = false;
  delays.After(milliseconds(0), [](bool) { throw std::runtime_error("handler bug"); });
  delays.After(milliseconds(1), [&](bool) { second = true; });
  EXPECT_NO_THROW(io.run_for(std::chrono::seconds(10)));
  EXPECT_TRUE(second);
}

}  // namespace
}  // namespace vigil::demo
