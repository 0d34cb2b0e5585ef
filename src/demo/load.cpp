#include "load.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <exception>
#include <vector>

#include "load_connection.h"
#include "vigil/base/log.h"

namespace vigil::demo {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// How long requests in flight may finish after Stop.
constexpr Duration kStopGrace = std::chrono::seconds(2);

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

Status ValidateLoadOptions(const LoadOptions& options) {
  Result<LoadTarget> target = ParseLoadTarget(options.target);
  if (!target.ok()) return target.status();
  if (!std::isfinite(options.rate) || options.rate <= 0 || options.rate > kMaxLoadRate) {
    return InvalidArgument("rate must be above 0 and at most " +
                           std::to_string(static_cast<int>(kMaxLoadRate)) + " requests/s");
  }
  if (options.duration <= Duration::zero() || options.duration > kMaxLoadDuration) {
    return InvalidArgument("duration must be above 0 and at most " +
                           FormatDuration(kMaxLoadDuration));
  }
  if (!(options.boom_ratio >= 0 && options.boom_ratio <= 1)) {
    return InvalidArgument("boom ratio must be between 0 and 1");
  }
  if (options.concurrency < 1 || options.concurrency > kMaxLoadConcurrency) {
    return InvalidArgument("concurrency must be between 1 and " +
                           std::to_string(kMaxLoadConcurrency));
  }
  if (options.request_timeout <= Duration::zero()) {
    return InvalidArgument("request timeout must be above 0");
  }
  return Status::Ok();
}

Result<LoadTarget> ParseLoadTarget(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.starts_with("https://")) {
    return Unimplemented("https targets are not supported (no TLS): use http://");
  }
  if (!url.starts_with(kScheme)) {
    return InvalidArgument("target \"" + std::string(url) + "\" must start with http://");
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos && rest.substr(slash) != "/") {
    return InvalidArgument("target \"" + std::string(url) +
                           "\" must have no path: requests go to / and /boom");
  }
  if (authority.find_first_of("@?#") != std::string_view::npos) {
    return InvalidArgument("target \"" + std::string(url) + "\" must be http://host:port");
  }
  LoadTarget target;
  std::string_view port;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return InvalidArgument("target \"" + std::string(url) + "\" has an unclosed [");
    }
    target.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        return InvalidArgument("target \"" + std::string(url) + "\": junk after ]");
      }
      port = after.substr(1);
    } else {
      port = "80";
    }
  } else {
    const size_t colon = authority.find(':');
    target.host = std::string(authority.substr(0, colon));
    port = colon == std::string_view::npos ? "80" : authority.substr(colon + 1);
  }
  if (target.host.empty())
    return InvalidArgument("target \"" + std::string(url) + "\" has no host");
  if (!AllDigits(port) || port.size() > 5 || std::stoi(std::string(port)) < 1 ||
      std::stoi(std::string(port)) > 65535) {
    return InvalidArgument("target \"" + std::string(url) + "\" has a bad port");
  }
  target.port = std::string(port);
  return target;
}

std::string LoadSummary::ToString() const {
  const double rate = elapsed_seconds > 0 ? static_cast<double>(sent) / elapsed_seconds : 0;
  char numbers[256];
  std::snprintf(
      numbers, sizeof(numbers),
      "planned=%llu sent=%llu 2xx=%llu 5xx=%llu other_status=%llu errors=%llu "
      "skipped=%llu elapsed=%.2fs rate=%.1f/s",
      static_cast<unsigned long long>(planned), static_cast<unsigned long long>(sent),
      static_cast<unsigned long long>(status_2xx), static_cast<unsigned long long>(status_5xx),
      static_cast<unsigned long long>(status_other), static_cast<unsigned long long>(errors),
      static_cast<unsigned long long>(skipped), elapsed_seconds, rate);
  std::string line(numbers);
  if (stopped_early) line += " stopped_early=true";
  if (errors > 0 && !last_error.empty()) line += " last_error=\"" + last_error + "\"";
  return line;
}

class LoadGenerator::Impl {
 public:
  explicit Impl(LoadOptions options) : options_(std::move(options)) {}

  Result<LoadSummary> Run() {
    VIGIL_RETURN_IF_ERROR(ValidateLoadOptions(options_));
    Result<LoadTarget> target = ParseLoadTarget(options_.target);
    if (!target.ok()) return target.status();
    target_ = *target;
    const double seconds = std::chrono::duration<double>(options_.duration).count();
    summary_.planned = std::max<uint64_t>(1, std::llround(options_.rate * seconds));

    if (options_.stop_on_signals) {
      signals_.add(SIGINT);
      signals_.add(SIGTERM);
      signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        log::Info("Stopping the load early", {{"signal", signal}});
        StopEarly();
      });
    }
    resolver_.async_resolve(
        target_.host, target_.port,
        [this](const boost::system::error_code& ec, tcp::resolver::results_type results) {
          OnResolve(ec, std::move(results));
        });
    try {
      io_.run();
    } catch (const std::exception& e) {
      return Internal(std::string("load generator failed: ") + e.what());
    }
    if (!fatal_.ok()) return fatal_;
    return summary_;
  }

  // Any thread.
  void Stop() {
    asio::post(io_, [this] { StopEarly(); });
  }

 private:
  enum class Phase { kResolving, kIssuing, kDraining, kDone };

  void OnResolve(const boost::system::error_code& ec, tcp::resolver::results_type results) {
    if (phase_ == Phase::kDone) return;
    if (ec) {
      fatal_ = Unavailable("resolving " + target_.host + ": " + ec.message());
      Finish();
      return;
    }
    const std::string host_header = target_.host.find(':') == std::string::npos
                                        ? target_.host + ":" + target_.port
                                        : "[" + target_.host + "]:" + target_.port;
    for (int i = 0; i < options_.concurrency; ++i) {
      conns_.push_back(
          std::make_unique<LoadConnection>(io_, results, host_header, options_.request_timeout,
                                           [this](LoadConnection& conn, RequestOutcome outcome) {
                                             OnDone(conn, std::move(outcome));
                                           }));
      idle_.push_back(conns_.back().get());
    }
    start_ = SteadyClock::now();
    phase_ = Phase::kIssuing;
    log::Debug("Load started", {{"target", options_.target},
                                {"rate", options_.rate},
                                {"planned", summary_.planned},
                                {"connections", options_.concurrency}});
    OnTick();
  }

  // Issues every request that has fallen due, then waits for the next one.
  void OnTick() {
    if (phase_ != Phase::kIssuing) return;
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    const uint64_t due_now = std::min<uint64_t>(
        summary_.planned, static_cast<uint64_t>(std::floor(elapsed * options_.rate)) + 1);
    while (due_ < due_now) {
      ++due_;
      Dispatch();
    }
    if (due_ >= summary_.planned) {
      BeginDrain(options_.request_timeout);
      return;
    }
    const auto next = start_ + std::chrono::duration_cast<SteadyClock::duration>(
                                   std::chrono::duration<double>(due_ / options_.rate));
    tick_.expires_at(next);
    tick_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) OnTick();
    });
  }

  void Dispatch() {
    if (!idle_.empty()) {
      LoadConnection* conn = idle_.back();
      idle_.pop_back();
      conn->Send(NextPath());
    } else if (backlog_ < static_cast<uint64_t>(options_.concurrency)) {
      ++backlog_;
    } else {
      ++summary_.skipped;
    }
  }

  // "/boom" for an exact fraction boom_ratio of the requests, spread evenly.
  std::string NextPath() {
    const double ratio = options_.boom_ratio;
    const uint64_t n = started_++;
    const bool boom =
        std::floor(static_cast<double>(n + 1) * ratio) > std::floor(static_cast<double>(n) * ratio);
    return boom ? "/boom" : "/";
  }

  void OnDone(LoadConnection& conn, RequestOutcome outcome) {
    if (outcome.sent) ++summary_.sent;
    if (outcome.status >= 200 && outcome.status < 300) {
      ++summary_.status_2xx;
    } else if (outcome.status >= 500 && outcome.status < 600) {
      ++summary_.status_5xx;
    } else if (outcome.status != 0) {
      ++summary_.status_other;
    } else {
      ++summary_.errors;
      if (summary_.errors == 1) log::Warn("Load request failed", {{"err", outcome.error}});
      summary_.last_error = std::move(outcome.error);
    }
    if (backlog_ > 0 && phase_ != Phase::kDone) {
      --backlog_;
      conn.Send(NextPath());
      return;
    }
    idle_.push_back(&conn);
    MaybeFinish();
  }

  // Stops issuing; requests in flight get `grace` to finish.
  void BeginDrain(Duration grace) {
    phase_ = Phase::kDraining;
    tick_.cancel();
    drain_timer_.expires_after(grace);
    drain_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) AbortInFlight();
    });
    MaybeFinish();
  }

  void AbortInFlight() {
    summary_.skipped += backlog_;
    backlog_ = 0;
    for (auto& conn : conns_) {
      if (conn->busy()) conn->Close();
    }
  }

  void MaybeFinish() {
    if (phase_ == Phase::kDraining && backlog_ == 0 && idle_.size() == conns_.size()) Finish();
  }

  // Cancels everything still waiting, so io_.run() returns.
  void Finish() {
    if (phase_ == Phase::kIssuing || phase_ == Phase::kDraining) {
      summary_.elapsed_seconds = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    }
    phase_ = Phase::kDone;
    boost::system::error_code ignored;
    signals_.cancel(ignored);
    tick_.cancel();
    drain_timer_.cancel();
    resolver_.cancel();
    for (auto& conn : conns_) conn->Close();
  }

  void StopEarly() {
    if (phase_ == Phase::kDone) return;
    summary_.stopped_early = true;
    if (phase_ == Phase::kResolving) {
      Finish();
      return;
    }
    summary_.skipped += backlog_;
    backlog_ = 0;
    BeginDrain(std::min(kStopGrace, options_.request_timeout));
  }

  // Declared first so it is destroyed last, after every object using it.
  asio::io_context io_;
  const LoadOptions options_;
  LoadTarget target_;
  tcp::resolver resolver_{io_};
  asio::steady_timer tick_{io_};
  asio::steady_timer drain_timer_{io_};
  asio::signal_set signals_{io_};
  std::vector<std::unique_ptr<LoadConnection>> conns_;
  std::vector<LoadConnection*> idle_;
  Phase phase_ = Phase::kResolving;
  SteadyClock::time_point start_;
  LoadSummary summary_;
  uint64_t due_ = 0;      // requests that have fallen due
  uint64_t started_ = 0;  // requests handed to a connection
  uint64_t backlog_ = 0;  // due, waiting for a connection
  Status fatal_;
};

LoadGenerator::LoadGenerator(LoadOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

LoadGenerator::~LoadGenerator() = default;

Result<LoadSummary> LoadGenerator::Run() { return impl_->Run(); }

void LoadGenerator::Stop() { impl_->Stop(); }

}  // namespace vigil::demo
