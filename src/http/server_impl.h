// Private to the http module: the state a Server shares with its sessions.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <condition_variable>
#include <mutex>
#include <unordered_map>

#include "vigil/http/server.h"

namespace vigil::http {

class Session;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(EventLoop& loop, ServerOptions options, Router router, Observer observer);

  void Accept();
  // Called by a session when it ends.
  void Unregister(uint64_t id);
  // Posts fn(session) to every live session's strand.
  void ForEachSession(void (Session::*fn)());

  EventLoop& loop;
  const ServerOptions options;
  const Router router;
  const Observer observer;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::ip::tcp::endpoint local_endpoint;

  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable drained;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;  // guarded by mu
  uint64_t next_session_id = 0;                                     // guarded by mu
};

// Creates and starts a session for an accepted socket.
void StartSession(std::shared_ptr<Server::Impl> server, uint64_t id,
                  boost::asio::ip::tcp::socket socket);

}  // namespace vigil::http
