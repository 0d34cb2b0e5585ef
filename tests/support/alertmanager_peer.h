// A real Alertmanager (Debian's 0.25, unpacked by scripts/setup.sh
// --test-peers) started on a free loopback port with a temporary storage
// path, gossip off, and a config that routes everything to a receiver that
// does nothing — so tests can post alerts to it and read them back.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "http_client.h"
#include "process.h"

namespace vigil::testing {

struct AlertmanagerPeer {
  Process process;
  uint16_t port = 0;
};

// A port nothing listens on right now (the kernel's pick for port 0).
inline uint16_t PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// Starts `binary` and waits (up to 30 s) until /-/ready answers 200.
inline Result<AlertmanagerPeer> StartAlertmanager(const std::string& binary) {
  if (access(binary.c_str(), X_OK) != 0) {
    return NotFound(binary + " missing: run scripts/setup.sh --test-peers");
  }
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/alertmanager.yml", "route: {receiver: 'null'}\nreceivers: [{name: 'null'}]\n");
  const uint16_t port = PickFreePort();
  Result<Process> p = Process::Start(
      {binary, "--config.file=" + dir + "/alertmanager.yml", "--storage.path=" + dir + "/data",
       "--web.listen-address=127.0.0.1:" + std::to_string(port), "--cluster.listen-address="});
  if (!p.ok()) return p.status();
  for (int i = 0; i < 300; ++i) {
    Result<HttpResponse> r = HttpGet(port, "/-/ready");
    if (r.ok() && r->status == 200) return AlertmanagerPeer{std::move(*p), port};
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Unavailable("alertmanager did not become ready: " + p->Output());
}

}  // namespace vigil::testing
