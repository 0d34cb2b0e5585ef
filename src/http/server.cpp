#include "vigil/http/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "server_impl.h"
#include "session.h"
#include "vigil/base/log.h"

namespace vigil::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// "host:port", ":port" or "[v6]:port" to an endpoint; a host name is resolved.
Result<tcp::endpoint> ParseListenAddress(net::io_context& io, const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return InvalidArgument("listen address \"" + address + "\" has no port (want host:port)");
  }
  std::string host = address.substr(0, colon);
  std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, port, tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return InvalidArgument("listen address \"" + address + "\": " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

Server::Impl::Impl(EventLoop& l, ServerOptions o, Router r, Observer obs)
    : loop(l),
      options(std::move(o)),
      router(std::move(r)),
      observer(std::move(obs)),
      acceptor(net::make_strand(l.context())) {}

void Server::Impl::Accept() {
  acceptor.async_accept(
      net::make_strand(loop.context()),
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (ec) {
          if (ec == net::error::operation_aborted || self->stopping) return;
          log::Warn("Accept failed", {{"err", ec.message()}});
        } else {
          uint64_t id = 0;
          bool full = false;
          {
            std::lock_guard<std::mutex> lock(self->mu);
            full = self->sessions.size() >= self->options.max_connections;
            id = ++self->next_session_id;
          }
          if (full) {
            // Over the connection limit: refuse this one rather than queue it.
            boost::system::error_code ignored;
            socket.close(ignored);
          } else {
            StartSession(self, id, std::move(socket));
          }
        }
        if (!self->stopping) self->Accept();
      });
}

void Server::Impl::Unregister(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu);
  sessions.erase(id);
  if (sessions.empty()) drained.notify_all();
}

void Server::Impl::ForEachSession(void (Session::*fn)()) {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [id, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Post(fn);
}

Server::Server(EventLoop& loop, ServerOptions options, Router router, Observer observer)
    : impl_(std::make_shared<Impl>(loop, std::move(options), std::move(router),
                                   std::move(observer))) {}

Server::~Server() {
  StopAccepting();
  CloseAll();
  WaitIdle(std::chrono::seconds(5));
}

Status Server::Start() {
  Result<tcp::endpoint> endpoint = ParseListenAddress(impl_->loop.context(),
                                                      impl_->options.listen_address);
  if (!endpoint.ok()) return endpoint.status();
  boost::system::error_code ec;
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + impl_->options.listen_address + ": " + ec.message());
  }
  impl_->local_endpoint = acceptor.local_endpoint();
  net::post(acceptor.get_executor(), [impl = impl_] { impl->Accept(); });
  return Status::Ok();
}

std::string Server::LocalAddress() const {
  const tcp::endpoint& ep = impl_->local_endpoint;
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

uint16_t Server::Port() const { return impl_->local_endpoint.port(); }

void Server::StopAccepting() {
  if (impl_->stopping.exchange(true)) return;
  net::post(impl_->acceptor.get_executor(), [impl = impl_] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
  impl_->ForEachSession(&Session::CloseIfIdle);
}

bool Server::WaitIdle(Duration timeout) {
  std::unique_lock<std::mutex> lock(impl_->mu);
  return impl_->drained.wait_for(lock, timeout, [&] { return impl_->sessions.empty(); });
}

void Server::CloseAll() { impl_->ForEachSession(&Session::Close); }

size_t Server::OpenConnections() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->sessions.size();
}

}  // namespace vigil::http
