#include "vigil/http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "http_client.h"
#include "vigil/base/metrics.h"
#include "vigil/http/instrument.h"

namespace vigil::http {
namespace {

using std::chrono::milliseconds;
using testing::HttpConnection;
using testing::HttpGet;
using testing::HttpPost;

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.listen_address = "127.0.0.1:0";
    options.access_log = false;
    Router router;
    router.HandleSync({"GET", "HEAD"}, "/hello", [](const Request&) {
      return Response::Text(200, "hello\n");
    });
    router.HandleSync({"GET", "POST"}, "/echo", [](const Request& r) {
      return Response::Text(200, r.FormValue("q") + "|" + r.body);
    });
    router.HandleSync({"GET"}, "/api/v1/label/:name/values", [](const Request& r) {
      return Response::Text(200, r.path_params.at("name"));
    });
    router.Handle({"GET"}, "/async", [](const Request&, Respond respond) {
      // Answer from another thread, as a worker pool would.
      std::thread([respond] { respond(Response::Json(200, "{}")); }).detach();
    });
    router.Handle({"GET"}, "/until-client-gone", [this](const Request& r, Respond respond) {
      std::thread([this, &r, respond] {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!r.client_gone->load() && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(milliseconds(5));
        }
        saw_client_gone_ = r.client_gone->load();
        respond(Response::Text(200, "late\n"));
      }).detach();
    });
    router.Handle({"GET"}, "/client-gone-after-wait", [](const Request& r, Respond respond) {
      std::thread([&r, respond] {
        std::this_thread::sleep_for(milliseconds(200));
        respond(Response::Text(200, r.client_gone->load() ? "gone" : "here"));
      }).detach();
    });
    server_ = std::make_unique<Server>(loop_, options, std::move(router),
                                       MakeMetricsObserver(registry_, "vigil"));
    ASSERT_TRUE(server_->Start().ok());
    loop_.Start(2);
  }

  void TearDown() override {
    if (server_) {
      server_->StopAccepting();
      server_->CloseAll();
      server_->WaitIdle(std::chrono::seconds(5));
    }
    loop_.Stop();
    loop_.Join();
  }

  uint16_t port() const { return server_->Port(); }

  EventLoop loop_;
  std::atomic<bool> saw_client_gone_{false};
  metrics::Registry registry_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, ServesRoutesWithKeepAlive) {
  StartServer();
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  for (int i = 0; i < 3; ++i) {
    auto r = conn->Request("GET", "/hello");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello\n");
    EXPECT_EQ(r->Header("x-request-id").size(), 16u);
  }
  EXPECT_EQ(server_->OpenConnections(), 1u);
}

TEST_F(ServerTest, EchoesRequestIdAndParsesParams) {
  StartServer();
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  auto r = conn->Request("GET", "/echo?q=a%20b+c", "", {{"X-Request-Id", "abc123"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "a b c|");
  EXPECT_EQ(r->Header("x-request-id"), "abc123");
  auto post = HttpPost(port(), "/echo", "q=form");
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->body, "form|q=form");
  auto param = HttpGet(port(), "/api/v1/label/job/values");
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->body, "job");
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowed) {
  StartServer();
  auto r = HttpGet(port(), "/nope");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  auto post = HttpPost(port(), "/hello", "");
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->Header("allow"), "GET, HEAD");
}

TEST_F(ServerTest, HeadSendsNoBodyAndKeepsFraming) {
  StartServer();
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn->SendRaw("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  auto head = conn->ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "6");
  // Had the body been sent, it would be read here instead of the next response.
  auto get = conn->Request("GET", "/hello", "", {{"X-Request-Id", "bad id with spaces"}});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "hello\n");
  EXPECT_EQ(get->Header("x-request-id").size(), 16u);  // the bad id was replaced
}

TEST_F(ServerTest, AsyncHandlerAnswersFromAnotherThread) {
  StartServer();
  auto r = HttpGet(port(), "/async");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-type"), "application/json");
}

TEST_F(ServerTest, AsyncHandlerSeesTheClientGo) {
  StartServer();
  {
    auto conn = HttpConnection::Open(port());
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(conn->SendRaw("GET /until-client-gone HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  }  // closed while the handler runs
  for (int i = 0; i < 2000 && !saw_client_gone_; ++i) std::this_thread::sleep_for(milliseconds(5));
  EXPECT_TRUE(saw_client_gone_);
}

TEST_F(ServerTest, ConnectedClientIsNotGoneAndKeepsItsConnection) {
  StartServer();
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  for (int i = 0; i < 2; ++i) {
    auto r = conn->Request("GET", "/client-gone-after-wait");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, "here");
  }
  // A pipelined request while the first runs is not a disconnect.
  ASSERT_TRUE(conn->SendRaw("GET /client-gone-after-wait HTTP/1.1\r\nHost: x\r\n\r\n"
                            "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                  .ok());
  auto first = conn->ReadResponse();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->body, "here");
  auto second = conn->ReadResponse();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->body, "hello\n");
}

TEST_F(ServerTest, OversizedHeaderIs431) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  StartServer(options);
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  auto r = conn->Request("GET", "/hello", "", {{"X-Big", std::string(4096, 'x')}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(conn->WaitClosed(milliseconds(2000)));
}

TEST_F(ServerTest, OversizedBodyIs413) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  auto r = HttpPost(port(), "/echo", std::string(5000, 'x'));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  // A chunked body that grows past the limit is caught too.
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  std::string chunk(800, 'y');
  char size_hex[16];
  std::snprintf(size_hex, sizeof(size_hex), "%zx", chunk.size());
  std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 2; ++i) req += std::string(size_hex) + "\r\n" + chunk + "\r\n";
  req += "0\r\n\r\n";
  ASSERT_TRUE(conn->SendRaw(req).ok());
  auto chunked = conn->ReadResponse();
  ASSERT_TRUE(chunked.ok());
  EXPECT_EQ(chunked->status, 413);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsDropped) {
  ServerOptions options;
  options.idle_timeout = milliseconds(200);
  StartServer(options);
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn->Request("GET", "/hello").ok());
  EXPECT_TRUE(conn->WaitClosed(milliseconds(3000)));
}

TEST_F(ServerTest, SlowlorisIsCutAtReadTimeout) {
  ServerOptions options;
  options.read_timeout = milliseconds(300);
  StartServer(options);
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn->SendRaw("GET /hello HTTP/1.1\r\n").ok());
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  // Trickle header bytes; the server must hang up regardless.
  for (int i = 0; i < 40 && !closed; ++i) {
    if (!conn->SendRaw("X-A: b\r\n").ok()) break;
    closed = conn->WaitClosed(milliseconds(100));
  }
  if (!closed) closed = conn->WaitClosed(milliseconds(1000));
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(ServerTest, MalformedRequestIs400) {
  StartServer();
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn->SendRaw("NOT HTTP AT ALL\r\n\r\n").ok());
  auto r = conn->ReadResponse();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
}

TEST_F(ServerTest, CountsRequestsByHandlerAndCode) {
  StartServer();
  ASSERT_TRUE(HttpGet(port(), "/hello").ok());
  ASSERT_TRUE(HttpGet(port(), "/hello").ok());
  ASSERT_TRUE(HttpGet(port(), "/missing/path").ok());
  // The observer runs after the response is written; give it a moment.
  std::string out;
  for (int i = 0; i < 100; ++i) {
    out = registry_.Render();
    if (out.find("vigil_http_requests_total{code=\"404\",handler=\"other\"} 1") !=
        std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_NE(out.find("vigil_http_requests_total{code=\"200\",handler=\"/hello\"} 2"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("vigil_http_requests_total{code=\"404\",handler=\"other\"} 1"),
            std::string::npos);
  EXPECT_NE(out.find("vigil_http_request_duration_seconds_count{handler=\"/hello\"} 2"),
            std::string::npos);
}

TEST_F(ServerTest, StopAcceptingDrainsIdleConnections) {
  StartServer();
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn->Request("GET", "/hello").ok());
  server_->StopAccepting();
  EXPECT_TRUE(server_->WaitIdle(std::chrono::seconds(3)));
  EXPECT_TRUE(conn->WaitClosed(milliseconds(1000)));
  EXPECT_FALSE(HttpGet(port(), "/hello").ok());
}

TEST(ServerStart, PortInUseIsAnError) {
  EventLoop loop;
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  Server first(loop, options, Router());
  ASSERT_TRUE(first.Start().ok());
  options.listen_address = first.LocalAddress();
  Server second(loop, options, Router());
  Status s = second.Start();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot listen on"), std::string::npos);
  options.listen_address = "no-port";
  EXPECT_FALSE(Server(loop, options, Router()).Start().ok());
}

}  // namespace
}  // namespace vigil::http
