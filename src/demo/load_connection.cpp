#include "load_connection.h"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <utility>

namespace vigil::demo {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr char kUserAgent[] = "vigil-demo-load";
// Responses are read whole and dropped; the demo's are tiny.
constexpr uint64_t kMaxResponseBody = 1 << 20;

}  // namespace

LoadConnection::LoadConnection(boost::asio::io_context& io, Endpoints endpoints,
                               std::string host_header, Duration timeout, Done done)
    : io_(io),
      endpoints_(std::move(endpoints)),
      host_header_(std::move(host_header)),
      timeout_(timeout),
      done_(std::move(done)) {}

void LoadConnection::Send(std::string path) {
  busy_ = true;
  retried_ = false;
  sent_ = false;
  parser_.reset();
  deadline_ = std::chrono::steady_clock::now() + timeout_;
  request_ = {};
  request_.version(11);
  request_.method(bhttp::verb::get);
  request_.target(path);
  request_.set(bhttp::field::host, host_header_);
  request_.set(bhttp::field::user_agent, kUserAgent);
  request_.keep_alive(true);
  if (connected_) {
    Write();
  } else {
    Connect();
  }
}

void LoadConnection::Close() {
  if (stream_) {
    beast::error_code ignored;
    stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_->close();
  }
  connected_ = false;
  reused_ = false;
  buffer_.consume(buffer_.size());
}

void LoadConnection::Connect() {
  stream_.emplace(io_);
  stream_->expires_at(deadline_);
  stream_->async_connect(
      endpoints_, [this](const beast::error_code& ec, const tcp::endpoint&) { OnConnect(ec); });
}

void LoadConnection::OnConnect(const beast::error_code& ec) {
  if (ec) {
    Fail("connect", ec);
    return;
  }
  connected_ = true;
  beast::error_code ignored;
  stream_->socket().set_option(tcp::no_delay(true), ignored);
  Write();
}

void LoadConnection::Write() {
  stream_->expires_at(deadline_);
  bhttp::async_write(*stream_, request_,
                     [this](const beast::error_code& ec, size_t) { OnWrite(ec); });
}

void LoadConnection::OnWrite(const beast::error_code& ec) {
  if (ec) {
    if (ShouldRetry(ec)) {
      Retry();
    } else {
      Fail("write", ec);
    }
    return;
  }
  sent_ = true;
  parser_.emplace();
  parser_->body_limit(kMaxResponseBody);
  stream_->expires_at(deadline_);
  bhttp::async_read(*stream_, buffer_, *parser_,
                    [this](const beast::error_code& read_ec, size_t) { OnRead(read_ec); });
}

void LoadConnection::OnRead(const beast::error_code& ec) {
  if (ec) {
    if (ShouldRetry(ec)) {
      Retry();
    } else {
      Fail("read", ec);
    }
    return;
  }
  const bhttp::response<bhttp::string_body>& response = parser_->get();
  const int status = static_cast<int>(response.result_int());
  reused_ = true;
  if (!response.keep_alive()) Close();
  Finish(RequestOutcome{.sent = true, .status = status, .error = ""});
}

bool LoadConnection::ShouldRetry(const beast::error_code& ec) const {
  if (!reused_ || retried_) return false;
  if (parser_ && parser_->got_some()) return false;
  return ec == bhttp::error::end_of_stream || ec == boost::asio::error::eof ||
         ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe;
}

void LoadConnection::Retry() {
  retried_ = true;
  Close();
  parser_.reset();
  Connect();
}

void LoadConnection::Fail(std::string_view stage, const beast::error_code& ec) {
  Close();
  std::string error(stage);
  error += ": ";
  error += ec.message();
  Finish(RequestOutcome{.sent = sent_, .status = 0, .error = std::move(error)});
}

void LoadConnection::Finish(RequestOutcome outcome) {
  busy_ = false;
  done_(*this, std::move(outcome));
}

}  // namespace vigil::demo
