#include "session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <random>

#include "vigil/base/log.h"

namespace vigil::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// A client's X-Request-Id is kept only when it is short and plain, since it
// goes into logs and response headers.
bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void StartSession(std::shared_ptr<Server::Impl> server, uint64_t id, net::ip::tcp::socket socket) {
  auto session = std::make_shared<Session>(server, id, std::move(socket));
  {
    std::lock_guard<std::mutex> lock(server->mu);
    server->sessions.emplace(id, session);
  }
  session->Start();
}

Session::Session(std::shared_ptr<Server::Impl> server, uint64_t id, net::ip::tcp::socket socket)
    : server_(std::move(server)), id_(id), stream_(std::move(socket)) {
  boost::system::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
}

Session::~Session() { server_->Unregister(id_); }

void Session::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
}

void Session::Post(void (Session::*fn)()) {
  net::post(stream_.get_executor(), [self = shared_from_this(), fn] { ((*self).*fn)(); });
}

void Session::CloseIfIdle() {
  if (idle_) Close();
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void Session::ReadHeader() {
  if (closed_) return;
  if (server_->stopping) {
    Close();
    return;
  }
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(server_->options.max_header_bytes));
  parser_->body_limit(server_->options.max_body_bytes);
  stream_.expires_after(first_request_ ? server_->options.read_timeout
                                       : server_->options.idle_timeout);
  idle_ = !first_request_;
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](boost::system::error_code ec, size_t) {
                             self->OnHeader(ec);
                           });
}

void Session::OnHeader(boost::system::error_code ec) {
  idle_ = false;
  started_ = std::chrono::steady_clock::now();
  if (ec == bhttp::error::header_limit) return Reject(431, "request header too large\n");
  if (ec == bhttp::error::body_limit) return Reject(413, "request body too large\n");
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset) {
    return Close();
  }
  if (ec) return Reject(400, "malformed request: " + ec.message() + "\n");
  first_request_ = false;
  stream_.expires_after(server_->options.read_timeout);
  if (bhttp::verb v = parser_->get().method(); (v == bhttp::verb::post || v == bhttp::verb::put) &&
                                               beast::iequals(parser_->get()[bhttp::field::expect],
                                                              "100-continue")) {
    // Tell a client that waits for it to send the body.
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue),
                     [self = shared_from_this()](boost::system::error_code wec, size_t) {
                       if (wec) return self->Close();
                       self->ReadBody();
                     });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](boost::system::error_code ec, size_t) {
                      self->OnBody(ec);
                    });
}

void Session::OnBody(boost::system::error_code ec) {
  if (ec == bhttp::error::body_limit) return Reject(413, "request body too large\n");
  if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
      ec == bhttp::error::partial_message || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset) {
    return Close();
  }
  if (ec) return Reject(400, "malformed request: " + ec.message() + "\n");
  stream_.expires_never();
  Dispatch();
}

void Session::Dispatch() {
  auto& msg = parser_->get();
  request_ = Request();
  request_.method = std::string(View(msg.method_string()));
  request_.target = std::string(View(msg.target()));
  std::string_view target = request_.target;
  size_t q = target.find('?');
  request_.path = PercentDecode(target.substr(0, q), false);
  if (q != std::string_view::npos) request_.query = ParseQueryString(target.substr(q + 1));
  for (const auto& field : msg) {
    request_.headers.emplace_back(ToLower(View(field.name_string())), std::string(View(field.value())));
  }
  request_.body = std::move(msg.body());
  request_.remote_address = remote_;
  client_gone_ = std::make_shared<std::atomic<bool>>(false);
  request_.client_gone = client_gone_.get();
  request_.request_id = std::string(request_.Header("x-request-id"));
  if (!IsAcceptableRequestId(request_.request_id)) request_.request_id = NewRequestId();
  const bool keep_alive = msg.keep_alive();

  Router::Match match = server_->router.Find(&request_);
  route_ = match.pattern;
  switch (match.kind) {
    case Router::Match::Kind::kNotFound:
      return Write(Response::Text(404, "404 page not found\n"), keep_alive);
    case Router::Match::Kind::kMethodNotAllowed: {
      Response r = Response::Text(405, "method not allowed\n");
      r.headers.emplace_back("Allow", match.allowed);
      return Write(std::move(r), keep_alive);
    }
    case Router::Match::Kind::kFound: break;
  }
  auto self = shared_from_this();
  auto answered = std::make_shared<std::atomic<bool>>(false);
  Respond respond = [self, answered, keep_alive](Response response) {
    if (answered->exchange(true)) return;  // a second answer is a handler bug; drop it
    net::dispatch(self->stream_.get_executor(),
                  [self, keep_alive, response = std::move(response)]() mutable {
                    self->Write(std::move(response), keep_alive);
                  });
  };
  try {
    (*match.handler)(request_, respond);
  } catch (const std::exception& e) {
    log::Error("HTTP handler threw", {{"path", request_.path}, {"err", e.what()}});
    respond(Response::Text(500, "internal error\n"));
  }
  if (!answered->load()) WatchForDisconnect();
}

void Session::WatchForDisconnect() {
  watching_ = true;
  stream_.socket().async_wait(
      net::socket_base::wait_read,
      [self = shared_from_this(), gone = client_gone_](boost::system::error_code ec) {
        if (ec) return;  // canceled: the response is being written
        self->watching_ = false;
        // Readable: either the peer closed (EOF, or an error) or it sent a
        // pipelined request, which stays buffered for the next read.
        char byte;
        ssize_t n = ::recv(self->stream_.socket().native_handle(), &byte, 1,
                           MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
          gone->store(true);
          log::Debug("Client went away while its request ran",
                     {{"request_id", self->request_.request_id}, {"path", self->request_.path}});
        }
      });
}

void Session::Write(Response response, bool keep_alive) {
  if (closed_) return;
  if (watching_) {
    watching_ = false;
    boost::system::error_code ignored;
    stream_.socket().cancel(ignored);
  }
  keep_alive = keep_alive && !server_->stopping;
  auto msg = std::make_shared<bhttp::response<bhttp::string_body>>();
  msg->version(11);
  msg->result(static_cast<unsigned>(response.status));
  msg->set(bhttp::field::content_type, response.content_type);
  msg->set("X-Request-Id", request_.request_id);
  for (const auto& [k, v] : response.headers) msg->set(k, v);
  msg->body() = std::move(response.body);
  msg->keep_alive(keep_alive);
  msg->prepare_payload();
  if (request_.method == "HEAD") {
    // Content-Length says what GET would send; the body itself is not sent.
    msg->body().clear();
  }
  // Recorded before the write, so a client that has its response also sees
  // it counted (a scrape right after a request includes that request).
  Record(response.status, msg->body().size());
  stream_.expires_after(server_->options.write_timeout);
  bhttp::async_write(stream_, *msg,
                     [self = shared_from_this(), msg, keep_alive](boost::system::error_code ec,
                                                                  size_t) {
                       if (ec || !keep_alive) return self->Close();
                       self->ReadHeader();
                     });
}

void Session::Record(int status, size_t body_bytes) {
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (server_->options.access_log) {
    log::Info("request", {{"request_id", request_.request_id},
                          {"remote", remote_},
                          {"method", request_.method},
                          {"path", request_.path},
                          {"status", status},
                          {"bytes", body_bytes},
                          {"duration_ms", seconds * 1000}});
  }
  if (server_->observer) {
    server_->observer(RequestInfo{request_, route_, status, seconds, body_bytes});
  }
}

void Session::Reject(int status, std::string message) {
  request_ = Request();
  route_ = {};
  if (parser_ && parser_->is_header_done()) {
    request_.method = std::string(View(parser_->get().method_string()));
    request_.target = std::string(View(parser_->get().target()));
    request_.path = PercentDecode(request_.target.substr(0, request_.target.find('?')), false);
  }
  request_.remote_address = remote_;
  request_.request_id = NewRequestId();
  Write(Response::Text(status, std::move(message)), /*keep_alive=*/false);
}

}  // namespace vigil::http
