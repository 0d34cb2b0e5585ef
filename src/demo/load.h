// LoadGenerator: `vigil-demo load`, an open-loop HTTP traffic generator that
// drives GET requests at a fixed rate against a vigil-demo (or any HTTP
// server): "/" and, for a fraction of requests, "/boom", so a scrape sees both
// 2xx and 5xx. Plain HTTP/1.1 over keep-alive connections (Boost.Beast), on
// its own io_context run by the thread that calls Run.
//
// Requests fall due at start + k/rate. A due request goes to an idle
// connection; when every connection is busy it waits in a backlog of at most
// `concurrency` requests, and past that it is skipped (and counted).
//
// Thread-safety: Run is called once, from one thread; Stop may be called from
// any thread, before, during or after Run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/base/status.h"

namespace vigil::demo {

inline constexpr double kMaxLoadRate = 10000;  // requests per second
inline constexpr Duration kMaxLoadDuration = std::chrono::hours(1);
inline constexpr int kMaxLoadConcurrency = 256;

struct LoadOptions {
  std::string target;                    // "http://host:port"
  double rate = 0;                       // requests per second, in (0, kMaxLoadRate]
  Duration duration = Duration::zero();  // in (0, kMaxLoadDuration]
  double boom_ratio = 0.1;               // fraction of requests sent to /boom, in [0, 1]
  int concurrency = 4;                   // connections, in [1, kMaxLoadConcurrency]
  Duration request_timeout = std::chrono::seconds(10);  // connect + write + read
  bool stop_on_signals = false;                         // SIGINT/SIGTERM end the run early
};

Status ValidateLoadOptions(const LoadOptions& options);

// Where requests go: "http://host[:port][/]" (port 80 by default; IPv6 hosts
// in brackets). https and paths other than "/" are refused.
struct LoadTarget {
  std::string host;
  std::string port;
};
Result<LoadTarget> ParseLoadTarget(std::string_view url);

struct LoadSummary {
  uint64_t planned = 0;  // rate * duration
  uint64_t sent = 0;     // requests written to a connection
  uint64_t status_2xx = 0;
  uint64_t status_5xx = 0;
  uint64_t status_other = 0;  // 1xx, 3xx, 4xx responses
  uint64_t errors = 0;        // connect, write or read failures and timeouts
  uint64_t skipped = 0;       // due while every connection was busy and the backlog full
  double elapsed_seconds = 0;
  bool stopped_early = false;
  std::string last_error;  // the most recent error, when errors > 0

  // One line: "sent=200 2xx=180 5xx=20 ...".
  std::string ToString() const;
};

class LoadGenerator {
 public:
  explicit LoadGenerator(LoadOptions options);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Sends the load and returns what happened, once every request has been
  // answered or has failed. Fails on invalid options or an unresolvable host;
  // requests that fail are counted in the summary, not returned as errors.
  Result<LoadSummary> Run();

  // Stops issuing requests; those in flight get a short grace period.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::demo
