#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil::testing {

std::string HttpResponse::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

Result<HttpConnection> HttpConnection::Open(uint16_t port, std::chrono::milliseconds timeout) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return IoError(std::strerror(errno));
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    std::string err = std::strerror(errno);
    close(fd);
    return Unavailable("connect to port " + std::to_string(port) + ": " + err);
  }
  return HttpConnection(fd);
}

HttpConnection::HttpConnection(HttpConnection&& other) noexcept
    : fd_(other.fd_), buffered_(std::move(other.buffered_)) {
  other.fd_ = -1;
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) close(fd_);
}

Status HttpConnection::SendRaw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return IoError(std::string("send: ") + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<HttpResponse> HttpConnection::ReadResponse(bool head_request) {
  auto fill = [this]() -> bool {
    char buf[16384];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    buffered_.append(buf, static_cast<size_t>(n));
    return true;
  };
  size_t header_end;
  while ((header_end = buffered_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return IoError("connection closed before a response header");
  }
  HttpResponse resp;
  std::string head = buffered_.substr(0, header_end);
  buffered_.erase(0, header_end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return IoError("bad status line: " + status_line);
  resp.status = std::stoi(status_line.substr(9, 3));
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  long content_length = -1;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (name == "content-length") content_length = std::stol(value);
    resp.headers.emplace_back(name, value);
    pos = end + 2;
  }
  // No body, whatever the headers say (RFC 9112 6.3): HEAD, 1xx, 204, 304.
  if (head_request || resp.status / 100 == 1 || resp.status == 204 || resp.status == 304) {
    return resp;
  }
  if (content_length >= 0) {
    while (buffered_.size() < static_cast<size_t>(content_length)) {
      if (!fill()) return IoError("connection closed inside a response body");
    }
    resp.body = buffered_.substr(0, static_cast<size_t>(content_length));
    buffered_.erase(0, static_cast<size_t>(content_length));
  } else {
    while (fill()) {
    }
    resp.body = std::move(buffered_);
    buffered_.clear();
  }
  return resp;
}

Result<HttpResponse> HttpConnection::Request(
    const std::string& method, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  VIGIL_RETURN_IF_ERROR(SendRaw(req));
  return ReadResponse();
}

bool HttpConnection::WaitClosed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return true;
  }
}

Result<HttpResponse> HttpGet(uint16_t port, const std::string& target) {
  VIGIL_ASSIGN_OR_RETURN(HttpConnection conn, HttpConnection::Open(port));
  return conn.Request("GET", target, "", {{"Connection", "close"}});
}

Result<HttpResponse> HttpPost(uint16_t port, const std::string& target, const std::string& body,
                              const std::string& content_type) {
  VIGIL_ASSIGN_OR_RETURN(HttpConnection conn, HttpConnection::Open(port));
  return conn.Request("POST", target, body,
                      {{"Connection", "close"}, {"Content-Type", content_type}});
}

}  // namespace vigil::testing
