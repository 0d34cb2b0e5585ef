// Test peers of the receiver tests, started as child processes on loopback:
// the HTTP capture server (capture_server.py), the SMTP server
// (smtp_server.py, aiosmtpd) and a real Alertmanager (Debian's package,
// unpacked by scripts/setup.sh --test-peers).
#pragma once

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.h"
#include "vigil/notify/integration.h"

namespace vigil::notify::testing {

using vigil::testing::Process;

struct Peer {
  Process process;
  uint16_t port = 0;
};

// Starts `argv` and waits for its "listening on PORT" line.
inline Result<Peer> StartPeer(std::vector<std::string> argv) {
  Result<Process> p = Process::Start(std::move(argv));
  if (!p.ok()) return p.status();
  std::optional<std::string> line = p->WaitForOutput("listening on ", std::chrono::seconds(20));
  if (!line) return Unavailable("peer did not start: " + p->Output());
  uint16_t port = static_cast<uint16_t>(std::stoi(line->substr(line->find("listening on ") + 13)));
  return Peer{std::move(*p), port};
}

inline Result<Peer> StartCaptureServer(std::vector<std::string> flags = {}) {
  std::vector<std::string> argv = {"/usr/bin/python3", VIGIL_NOTIFY_TEST_DIR "/capture_server.py"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return StartPeer(std::move(argv));
}

struct CapturedRequest {
  std::string path;
  nlohmann::json headers;
  std::string body;
};

// The requests a capture server printed so far.
inline std::vector<CapturedRequest> Captured(const Peer& server) {
  std::vector<CapturedRequest> out;
  std::string output = server.process.Output();
  for (size_t pos = 0; (pos = output.find("REQUEST POST ", pos)) != std::string::npos;) {
    size_t end = output.find('\n', pos);
    std::string line = output.substr(pos + 13, end - pos - 13);
    size_t space = line.find(' ');
    std::string rest = line.substr(space + 1);
    // Two JSON values separated by a space: the headers object, the body string.
    size_t split = rest.find("} \"");
    CapturedRequest r;
    r.path = line.substr(0, space);
    r.headers = nlohmann::json::parse(rest.substr(0, split + 1));
    r.body = nlohmann::json::parse(rest.substr(split + 2)).get<std::string>();
    out.push_back(std::move(r));
    pos = end;
  }
  return out;
}

// Runs one delivery and waits for its result.
inline DeliveryResult Deliver(Integration& integration, const Notification& n,
                              std::chrono::seconds wait = std::chrono::seconds(30)) {
  auto promise = std::make_shared<std::promise<DeliveryResult>>();
  std::future<DeliveryResult> future = promise->get_future();
  integration.Notify(n, [promise](DeliveryResult r) { promise->set_value(std::move(r)); });
  if (future.wait_for(wait) != std::future_status::ready) {
    return DeliveryResult{Internal("test: delivery did not finish"), false};
  }
  return future.get();
}

}  // namespace vigil::notify::testing
