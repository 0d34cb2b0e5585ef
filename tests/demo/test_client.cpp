#include "test_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>

namespace vigil::demo::testing {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

TestClient::TestClient(uint16_t port, std::chrono::steady_clock::duration timeout)
    : port_(port), timeout_(timeout) {}

HttpResult TestClient::Get(std::string_view target) {
  HttpResult result;
  const auto start = std::chrono::steady_clock::now();
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, std::string(target), 11};
  request.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port_));
  request.keep_alive(true);
  bhttp::response<bhttp::string_body> response;
  beast::error_code error;

  auto on_read = [&](const beast::error_code& ec, size_t) { error = ec; };
  auto on_write = [&](const beast::error_code& ec, size_t) {
    if (ec) {
      error = ec;
      return;
    }
    bhttp::async_read(*stream_, buffer_, response, on_read);
  };
  io_.restart();
  if (!stream_ || !stream_->socket().is_open()) {
    stream_.emplace(io_);
    buffer_.clear();
    stream_->expires_after(timeout_);
    stream_->async_connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_),
                           [&](const beast::error_code& ec) {
                             if (ec) {
                               error = ec;
                               return;
                             }
                             bhttp::async_write(*stream_, request, on_write);
                           });
  } else {
    stream_->expires_after(timeout_);
    bhttp::async_write(*stream_, request, on_write);
  }
  io_.run();  // bounded by the stream's expiry
  result.elapsed = std::chrono::steady_clock::now() - start;
  if (error) {
    result.error = error.message();
    stream_.reset();
    return result;
  }
  result.status = static_cast<int>(response.result_int());
  result.body = std::move(response.body());
  if (!response.keep_alive()) stream_.reset();
  return result;
}

HttpResult HttpGet(uint16_t port, std::string_view target) {
  TestClient client(port);
  return client.Get(target);
}

double SampleValue(const std::string& exposition, std::string_view series) {
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return 0;
}

}  // namespace vigil::demo::testing
