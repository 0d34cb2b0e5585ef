// Private to the http module: one HTTP/1.1 connection, on its own strand.
//
// Reads a request header (deadline: read_timeout for the first request,
// idle_timeout between keep-alive requests), then its body (deadline:
// read_timeout), calls the route's handler, writes the response (deadline:
// write_timeout), and loops while the connection is kept alive.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include "server_impl.h"

namespace vigil::http {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Server::Impl> server, uint64_t id, boost::asio::ip::tcp::socket socket);
  ~Session();

  void Start();
  // Posts a member function to this session's strand.
  void Post(void (Session::*fn)());
  // Strand only: close now if waiting between requests.
  void CloseIfIdle();
  // Strand only: close now.
  void Close();

 private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void ReadHeader();
  void OnHeader(boost::system::error_code ec);
  void ReadBody();
  void OnBody(boost::system::error_code ec);
  void Dispatch();
  // Sends `response`; `keep_alive` false closes the connection after it.
  void Write(Response response, bool keep_alive);
  // Access log line and observer call for the current request.
  void Record(int status, size_t body_bytes);
  // While an asynchronous handler runs: waits for the socket to turn
  // readable and sets client_gone_ when the peer closed it.
  void WatchForDisconnect();
  // Answers a request that broke a limit, then closes.
  void Reject(int status, std::string message);

  std::shared_ptr<Server::Impl> server_;
  const uint64_t id_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  Request request_;
  std::string_view route_;
  std::chrono::steady_clock::time_point started_;
  bool first_request_ = true;
  bool idle_ = false;    // waiting for the next request's header
  bool closed_ = false;
  bool watching_ = false;  // a WatchForDisconnect wait is pending
  std::shared_ptr<std::atomic<bool>> client_gone_;  // of the current request
  std::string remote_;
};

}  // namespace vigil::http
