// LoadConnection: one keep-alive HTTP/1.1 client connection of the load
// generator (Boost.Beast). It sends one GET at a time, connects on demand,
// retries once on a keep-alive connection the server had already closed, and
// reports each request's outcome through a callback.
//
// Thread-safety: none. Every call and callback runs on the thread running the
// io_context, which must outlive the connection; the connection must outlive
// its operations (the owner runs the io_context until they are done).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/base/duration.h"

namespace vigil::demo {

struct RequestOutcome {
  bool sent = false;  // the request was written to the socket
  int status = 0;     // the response status, 0 when none was read
  std::string error;  // why no response was read; empty on success
};

class LoadConnection {
 public:
  using Endpoints = boost::asio::ip::tcp::resolver::results_type;
  // Called once per Send, with the connection idle again (it may Send anew).
  using Done = std::function<void(LoadConnection&, RequestOutcome)>;

  LoadConnection(boost::asio::io_context& io, Endpoints endpoints, std::string host_header,
                 Duration timeout, Done done);
  LoadConnection(const LoadConnection&) = delete;
  LoadConnection& operator=(const LoadConnection&) = delete;

  // Sends "GET <path>". Precondition: !busy().
  void Send(std::string path);
  bool busy() const { return busy_; }
  // Closes the socket; a request in flight then fails with "operation aborted".
  void Close();

 private:
  void Connect();
  void OnConnect(const boost::beast::error_code& ec);
  void Write();
  void OnWrite(const boost::beast::error_code& ec);
  void OnRead(const boost::beast::error_code& ec);
  // True when `ec` says a reused keep-alive connection was already closed by
  // the server before it answered, so sending again on a new one is safe.
  bool ShouldRetry(const boost::beast::error_code& ec) const;
  void Retry();
  void Fail(std::string_view stage, const boost::beast::error_code& ec);
  void Finish(RequestOutcome outcome);

  boost::asio::io_context& io_;
  const Endpoints endpoints_;
  const std::string host_header_;
  const Duration timeout_;
  const Done done_;

  std::optional<boost::beast::tcp_stream> stream_;  // a fresh one per connect
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::empty_body> request_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  std::chrono::steady_clock::time_point deadline_;  // of the request in flight
  bool busy_ = false;
  bool connected_ = false;
  bool reused_ = false;   // a response was already read on this socket
  bool retried_ = false;  // the request in flight was already resent once
  bool sent_ = false;     // the request in flight was written
};

}  // namespace vigil::demo
