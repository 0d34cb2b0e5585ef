#include "http_scraper.h"

#include <openssl/ssl.h>
#include <zlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <limits>
#include <mutex>
#include <optional>

namespace vigil::scrape {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// The OpenSSL context is built on the first https request. Building one
// (OpenSSL's algorithm tables and the system CA store) costs ~4 MB of
// resident memory, heap and libcrypto pages, that plain-HTTP scraping never
// needs. A tls_config that names files is built at once instead, so a bad
// file still fails the config load.
class TlsContext {
 public:
  explicit TlsContext(config::TlsConfig cfg) : cfg_(std::move(cfg)) {}

  // The context; the build error when it could not be built.
  Result<ssl::context*> Get() {
    std::call_once(once_, [this] { status_ = Build(); });
    if (!status_.ok()) return status_;
    return &*ctx_;
  }

 private:
  Status Build() {
    ctx_.emplace(ssl::context::tls_client);
    boost::system::error_code ec;
    if (cfg_.ca_file.empty()) {
      ctx_->set_default_verify_paths(ec);  // only records where the system CAs are
    } else {
      ctx_->load_verify_file(cfg_.ca_file, ec);
      if (ec) return InvalidArgument("unable to load CA file " + cfg_.ca_file + ": " + ec.message());
    }
    if (!cfg_.cert_file.empty()) {
      ctx_->use_certificate_chain_file(cfg_.cert_file, ec);
      if (ec) {
        return InvalidArgument("unable to load client cert " + cfg_.cert_file + ": " + ec.message());
      }
      ctx_->use_private_key_file(cfg_.key_file, ssl::context::pem, ec);
      if (ec) {
        return InvalidArgument("unable to load client key " + cfg_.key_file + ": " + ec.message());
      }
    }
    int min_version = TLS1_2_VERSION;  // Prometheus's default minimum
    if (cfg_.min_version == "TLS10") min_version = TLS1_VERSION;
    if (cfg_.min_version == "TLS11") min_version = TLS1_1_VERSION;
    if (cfg_.min_version == "TLS13") min_version = TLS1_3_VERSION;
    SSL_CTX_set_min_proto_version(ctx_->native_handle(), min_version);
    ctx_->set_verify_mode(cfg_.insecure_skip_verify ? ssl::verify_none : ssl::verify_peer);
    return Status::Ok();
  }

  const config::TlsConfig cfg_;
  std::once_flag once_;
  std::optional<ssl::context> ctx_;  // set once, by Build
  Status status_;
};

Result<std::shared_ptr<TlsContext>> MakeTlsContext(const config::TlsConfig& cfg) {
  auto tls = std::make_shared<TlsContext>(cfg);
  if (!cfg.ca_file.empty() || !cfg.cert_file.empty()) {
    Result<ssl::context*> ctx = tls->Get();
    if (!ctx.ok()) return ctx.status();
  }
  return tls;
}

std::pair<std::string, std::string> SplitHostPort(std::string_view address) {
  size_t colon = address.rfind(':');
  std::string_view host = address.substr(0, colon);
  std::string_view port = colon == std::string_view::npos ? "" : address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {std::string(host), std::string(port)};
}

Result<std::string> Gunzip(std::string_view in, int64_t limit) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Internal("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return InvalidArgument("gzip: invalid compressed body");
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (limit > 0 && static_cast<int64_t>(out.size()) > limit) {
      inflateEnd(&zs);
      return ResourceExhausted("body size limit exceeded");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return InvalidArgument("gzip: unexpected end of compressed body");
    }
  }
  inflateEnd(&zs);
  return out;
}

// Beast's largest single read.
constexpr size_t kReadBufferBytes = 64 * 1024;

// What outlives one request: the strand all requests of a scraper run on,
// and the plain-HTTP connection the last request left open (HTTP keep-alive,
// as Prometheus's client): the next request reuses it instead of dialing.
struct HttpScraper::Shared {
  explicit Shared(net::io_context& io) : strand(net::make_strand(io)) {}
  net::strand<net::io_context::executor_type> strand;
  std::optional<beast::tcp_stream> idle;  // strand only
};

// One request: resolve, connect (or reuse the kept connection), (TLS
// handshake), write, read; a deadline timer closes the socket when the scrape
// timeout passes.
struct HttpScraper::Call : std::enable_shared_from_this<HttpScraper::Call> {
  // Every handler of the call runs on the scraper's strand, so the deadline
  // timer and the I/O handlers never race.
  Call(std::shared_ptr<Shared> sh, ssl::context* tls, Done d)
      : shared(std::move(sh)),
        strand(shared->strand),
        resolver(strand),
        timer(strand),
        tcp_stream(std::in_place, strand),
        done(std::move(d)) {
    if (tls != nullptr) tls_stream.emplace(strand, *tls);
  }

  beast::tcp_stream& Lowest() {
    return tls_stream ? beast::get_lowest_layer(*tls_stream) : *tcp_stream;
  }

  void Start(const ScrapeRequest& r, const std::string& server_name, bool verify) {
    request.version(11);
    request.method(bhttp::verb::get);
    request.target(r.target);
    std::string host_header = r.host.find(':') != std::string::npos ? "[" + r.host + "]" : r.host;
    if (!((r.https && r.port == "443") || (!r.https && r.port == "80"))) {
      host_header += ":" + r.port;
    }
    request.set(bhttp::field::host, host_header);
    for (const auto& [k, v] : r.headers) request.set(k, v);
    parser.emplace();
    // Beast reads at most the buffer's free capacity (512 bytes when left to
    // grow by itself): a 64 KiB buffer makes a 160 KB body ~3 reads, not ~300.
    buffer.reserve(kReadBufferBytes);
    // Beast 1.74 compares Content-Length against an unset limit as if it were
    // 0; a huge limit turns its check off. OverLimit() enforces ours.
    parser->body_limit(std::numeric_limits<uint64_t>::max());
    body_limit = r.body_limit;
    if (tls_stream) {
      const std::string& sni = server_name.empty() ? r.host : server_name;
      SSL_set_tlsext_host_name(tls_stream->native_handle(), sni.c_str());
      if (verify) tls_stream->set_verify_callback(ssl::host_name_verification(sni));
    }
    timer.expires_after(r.timeout);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return;
      self->timed_out = true;
      self->Abort();
    });
    host = r.host;
    port = r.port;
    if (!tls_stream && shared->idle) {
      tcp_stream.emplace(std::move(*shared->idle));
      shared->idle.reset();
      reused = true;
      return Write();
    }
    Dial();
  }

  void Dial() {
    // An IP address with a numeric port (most targets) needs no resolver,
    // whose lookups run on a thread of their own: two thread hand-offs less.
    boost::system::error_code addr_ec;
    net::ip::address address = net::ip::make_address(host, addr_ec);
    uint16_t port_number = 0;
    const char* port_end = port.data() + port.size();
    auto [end, port_ec] = std::from_chars(port.data(), port_end, port_number);
    if (!addr_ec && port_ec == std::errc() && end == port_end) {
      Lowest().async_connect(tcp::endpoint(address, port_number),
                             [self = shared_from_this()](boost::system::error_code ec) {
                               self->Connected(ec);
                             });
      return;
    }
    resolver.async_resolve(host, port,
                           [self = shared_from_this()](boost::system::error_code ec,
                                                       tcp::resolver::results_type results) {
                             if (ec) return self->Fail(ec, "dial");
                             self->Connect(results);
                           });
  }

  void Connect(const tcp::resolver::results_type& results) {
    Lowest().async_connect(results, [self = shared_from_this()](boost::system::error_code ec,
                                                                const tcp::endpoint&) {
      self->Connected(ec);
    });
  }

  void Connected(boost::system::error_code ec) {
    if (ec) return Fail(ec, "dial");
    if (tls_stream) {
      tls_stream->async_handshake(ssl::stream_base::client,
                                  [self = shared_from_this()](boost::system::error_code hec) {
                                    if (hec) return self->Fail(hec, "tls");
                                    self->Write();
                                  });
    } else {
      Write();
    }
  }

  template <typename Stream>
  void WriteOn(Stream& stream) {
    bhttp::async_write(stream, request,
                       [self = shared_from_this()](boost::system::error_code ec, size_t) {
                         if (ec) return self->Fail(ec, "write");
                         self->Read();
                       });
  }
  void Write() {
    if (tls_stream) return WriteOn(*tls_stream);
    WriteOn(*tcp_stream);
  }

  // The body size limit, enforced here rather than by Beast's body_limit
  // (whose Content-Length check misbehaves in 1.74): on the announced length
  // after the header, and on the bytes received so far while reading.
  bool OverLimit() const {
    if (body_limit <= 0) return false;
    const uint64_t limit = static_cast<uint64_t>(body_limit);
    boost::optional<uint64_t> announced = parser->content_length();
    return (announced && *announced > limit) || parser->get().body().size() > limit;
  }

  template <typename Stream>
  void ReadHeaderOn(Stream& stream) {
    bhttp::async_read_header(stream, buffer, *parser,
                             [self = shared_from_this()](boost::system::error_code ec, size_t) {
                               if (ec) return self->Fail(ec, "read");
                               self->got_header = true;
                               if (self->OverLimit()) {
                                 return self->Finish(ResourceExhausted("body size limit exceeded"));
                               }
                               self->ReadBody();
                             });
  }

  template <typename Stream>
  void ReadSomeOn(Stream& stream) {
    bhttp::async_read_some(stream, buffer, *parser,
                           [self = shared_from_this()](boost::system::error_code ec, size_t) {
                             if (ec) return self->Fail(ec, "read");
                             if (self->OverLimit()) {
                               return self->Finish(ResourceExhausted("body size limit exceeded"));
                             }
                             self->ReadBody();
                           });
  }

  void Read() {
    if (tls_stream) return ReadHeaderOn(*tls_stream);
    ReadHeaderOn(*tcp_stream);
  }

  void ReadBody() {
    if (parser->is_done()) return Complete();
    if (tls_stream) return ReadSomeOn(*tls_stream);
    ReadSomeOn(*tcp_stream);
  }

  void Complete() {
    auto& res = parser->get();
    unsigned status = res.result_int();
    if (status < 200 || status >= 300) {
      return Finish(Unavailable("server returned HTTP status " + std::to_string(status) + " " +
                                std::string(res.reason())));
    }
    ScrapeResponse out;
    keep_connection = !tls_stream && res.keep_alive();
    out.content_type = std::string(res[bhttp::field::content_type]);
    if (beast::iequals(res[bhttp::field::content_encoding], "gzip")) {
      Result<std::string> body = Gunzip(res.body(), body_limit);
      if (!body.ok()) return Finish(body.status());
      out.body = std::move(*body);
    } else {
      out.body = std::move(res.body());
    }
    Finish(std::move(out));
  }

  void Fail(boost::system::error_code ec, std::string_view stage) {
    if (timed_out || ec == net::error::operation_aborted) {
      return Finish(Status(StatusCode::kDeadlineExceeded, "context deadline exceeded"));
    }
    if (reused && !got_header) {
      // The server closed the kept connection while it was idle: once more
      // on a new one, as Go's transport retries such a request.
      reused = false;
      boost::system::error_code ignored;
      tcp_stream->socket().close(ignored);
      tcp_stream.emplace(strand);
      buffer.clear();
      parser.emplace();
      parser->body_limit(std::numeric_limits<uint64_t>::max());
      return Dial();
    }
    Finish(Unavailable(std::string(stage) + ": " + ec.message()));
  }

  void Finish(Result<ScrapeResponse> result) {
    if (finished) return;
    finished = true;
    timer.cancel();
    if (keep_connection && result.ok()) {
      shared->idle.emplace(std::move(*tcp_stream));
    } else {
      boost::system::error_code ignored;
      Lowest().socket().close(ignored);
    }
    Done d = std::move(done);
    d(std::move(result));
  }

  void Abort() {
    if (finished) return;  // the connection may be kept for the next request
    resolver.cancel();
    boost::system::error_code ignored;
    Lowest().socket().close(ignored);
  }

  std::shared_ptr<Shared> shared;
  net::strand<net::io_context::executor_type> strand;
  tcp::resolver resolver;
  net::steady_timer timer;
  // Always set: an optional because Beast streams cannot be move-assigned.
  std::optional<beast::tcp_stream> tcp_stream;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream;
  beast::flat_buffer buffer;
  bhttp::request<bhttp::empty_body> request;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  int64_t body_limit = 0;
  std::string host;
  std::string port;
  bool reused = false;           // on the connection the previous request kept
  bool got_header = false;       // the response header was read
  bool keep_connection = false;  // the response allows reusing the connection
  bool timed_out = false;
  bool finished = false;
  Done done;
};

HttpScraper::HttpScraper(net::io_context& io, std::shared_ptr<TlsContext> tls,
                         std::string server_name, bool verify)
    : shared_(std::make_shared<Shared>(io)),
      tls_(std::move(tls)),
      server_name_(std::move(server_name)),
      verify_(verify) {}

HttpScraper::~HttpScraper() { Cancel(); }

void HttpScraper::Get(const ScrapeRequest& request, Done done) {
  Result<ssl::context*> tls = static_cast<ssl::context*>(nullptr);
  if (request.https) {
    tls = tls_ != nullptr ? tls_->Get() : Internal("https target without a TLS context");
  }
  auto call = std::make_shared<Call>(shared_, tls.ok() ? *tls : nullptr, std::move(done));
  if (!tls.ok()) return call->Finish(tls.status().WithPrefix("tls"));
  current_ = call;
  net::dispatch(call->strand, [call, request, server_name = server_name_, verify = verify_] {
    call->Start(request, server_name, verify);
  });
}

void HttpScraper::Cancel() {
  if (auto call = current_.lock()) {
    net::post(call->strand, [call] { call->Abort(); });
  }
}

}  // namespace vigil::scrape
