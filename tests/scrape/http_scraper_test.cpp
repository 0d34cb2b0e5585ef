// The scrape HTTP client's connection reuse: a plain-HTTP connection is kept
// for the next request (keep-alive), and a kept connection the server closed
// meanwhile is replaced by a new one without failing the scrape.
#include "http_scraper.h"

#include <gtest/gtest.h>

#include <future>

#include "process.h"
#include "vigil/base/event_loop.h"

namespace vigil::scrape {
namespace {

// Answers every GET with the number of connections accepted so far; after
// answering /close it closes the connection without announcing it.
constexpr const char* kServer = R"(
import http.server, socketserver, threading
lock = threading.Lock()
accepted = 0
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        global accepted
        with lock:
            accepted += 1
        super().setup()
    def do_GET(self):
        body = ("connections %d\n" % accepted).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if self.path == "/close":
            self.close_connection = True
    def log_message(self, *args):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
srv = S(("127.0.0.1", 0), H)
print("port=%d" % srv.server_address[1], flush=True)
srv.serve_forever()
)";

class HttpScraperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = testing::MakeTempDir();
    testing::WriteFile(dir + "/serve.py", kServer);
    auto server = testing::Process::Start({"/usr/bin/python3", dir + "/serve.py"});
    ASSERT_TRUE(server.ok());
    server_ = std::make_unique<testing::Process>(std::move(*server));
    auto line = server_->WaitForOutput("port=", std::chrono::seconds(20));
    ASSERT_TRUE(line) << server_->Output();
    port_ = line->substr(line->find('=') + 1);
    loop_.Start(1);
  }
  void TearDown() override {
    scraper_.reset();
    loop_.Stop();
    loop_.Join();
  }

  // One GET of `path`; the body, or the error's message.
  std::string Get(const std::string& path) {
    ScrapeRequest r;
    r.host = "127.0.0.1";
    r.port = port_;
    r.target = path;
    r.timeout = std::chrono::seconds(10);
    std::promise<std::string> got;
    scraper_->Get(r, [&got](Result<ScrapeResponse> res) {
      got.set_value(res.ok() ? res->body : "error: " + res.status().message());
    });
    auto f = got.get_future();
    if (f.wait_for(std::chrono::seconds(20)) != std::future_status::ready) return "no answer";
    return f.get();
  }

  std::unique_ptr<testing::Process> server_;
  std::string port_;
  EventLoop loop_;
  std::unique_ptr<HttpScraper> scraper_ =
      std::make_unique<HttpScraper>(loop_.context(), nullptr, "", true);
};

TEST_F(HttpScraperTest, KeepsTheConnectionForTheNextRequest) {
  EXPECT_EQ(Get("/metrics"), "connections 1\n");
  EXPECT_EQ(Get("/metrics"), "connections 1\n");
  EXPECT_EQ(Get("/metrics"), "connections 1\n");
}

TEST_F(HttpScraperTest, RedialsWhenTheServerClosedTheKeptConnection) {
  EXPECT_EQ(Get("/close"), "connections 1\n");
  // The server closed the connection the client kept: the next request
  // fails on it and is sent again on a new one.
  EXPECT_EQ(Get("/metrics"), "connections 2\n");
  EXPECT_EQ(Get("/metrics"), "connections 2\n");
}

}  // namespace
}  // namespace vigil::scrape
