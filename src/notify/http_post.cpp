#include "http_post.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

namespace vigil::notify {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr size_t kMaxResponseBody = 64 * 1024;

struct ParsedUrl {
  bool https = false;
  std::string host;  // without brackets for IPv6
  std::string port;
  std::string target;  // path and query, at least "/"
  std::string host_header;
};

Result<ParsedUrl> ParseUrl(std::string_view url) {
  ParsedUrl out;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return InvalidArgument("unsupported URL (no scheme)");
  std::string_view scheme = url.substr(0, scheme_end);
  if (scheme == "https") {
    out.https = true;
  } else if (scheme != "http") {
    return InvalidArgument("unsupported URL scheme \"" + std::string(scheme) + "\"");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  out.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (out.target.front() == '?') out.target.insert(0, "/");
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  out.host_header = std::string(authority);
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("invalid URL host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return InvalidArgument("URL has no host");
  out.host = std::string(host);
  out.port = port.empty() ? (out.https ? "443" : "80") : std::string(port);
  return out;
}

Result<std::shared_ptr<ssl::context>> MakeTlsContext(const config::TlsConfig& cfg) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  if (cfg.ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
  } else {
    ctx->load_verify_file(cfg.ca_file, ec);
    if (ec) return InvalidArgument("unable to load CA file " + cfg.ca_file + ": " + ec.message());
  }
  if (!cfg.cert_file.empty()) {
    ctx->use_certificate_chain_file(cfg.cert_file, ec);
    if (ec) return InvalidArgument("unable to load client cert " + cfg.cert_file + ": " + ec.message());
    ctx->use_private_key_file(cfg.key_file, ssl::context::pem, ec);
    if (ec) return InvalidArgument("unable to load client key " + cfg.key_file + ": " + ec.message());
  }
  int min_version = TLS1_2_VERSION;
  if (cfg.min_version == "TLS10") min_version = TLS1_VERSION;
  if (cfg.min_version == "TLS11") min_version = TLS1_1_VERSION;
  if (cfg.min_version == "TLS13") min_version = TLS1_3_VERSION;
  SSL_CTX_set_min_proto_version(ctx->native_handle(), min_version);
  ctx->set_verify_mode(cfg.insecure_skip_verify ? ssl::verify_none : ssl::verify_peer);
  return ctx;
}

// The Authorization header of an http_config, credentials read now.
Result<std::string> AuthorizationHeader(const config::HttpClientConfig& http) {
  if (http.basic_auth) {
    std::string password = http.basic_auth->password.Reveal();
    if (!http.basic_auth->password_file.empty()) {
      Result<std::string> file = ReadSecretFile(http.basic_auth->password_file);
      if (!file.ok()) return file.status();
      password = *file;
    }
    std::string plain = http.basic_auth->username + ":" + password;
    std::string encoded(beast::detail::base64::encoded_size(plain.size()), '\0');
    encoded.resize(beast::detail::base64::encode(encoded.data(), plain.data(), plain.size()));
    return "Basic " + encoded;
  }
  if (http.authorization) {
    std::string credentials = http.authorization->credentials.Reveal();
    if (!http.authorization->credentials_file.empty()) {
      Result<std::string> file = ReadSecretFile(http.authorization->credentials_file);
      if (!file.ok()) return file.status();
      credentials = *file;
    }
    return http.authorization->type + " " + credentials;
  }
  return std::string();
}

// One request: resolve, connect, (TLS handshake), write, read. Every handler
// runs on one strand, so the deadline timer and the I/O never race.
struct PostCall : std::enable_shared_from_this<PostCall> {
  PostCall(net::io_context& io, std::shared_ptr<ssl::context> tls_ctx, HttpPostDone d)
      : strand(net::make_strand(io)),
        resolver(strand),
        timer(strand),
        tcp_stream(strand),
        tls(std::move(tls_ctx)),
        done(std::move(d)) {
    if (tls) tls_stream.emplace(strand, *tls);
  }

  beast::tcp_stream& Lowest() {
    return tls_stream ? beast::get_lowest_layer(*tls_stream) : tcp_stream;
  }

  void Start(const ParsedUrl& url, const config::TlsConfig& tls_config, Duration timeout) {
    if (tls_stream) {
      const std::string& sni = tls_config.server_name.empty() ? url.host : tls_config.server_name;
      SSL_set_tlsext_host_name(tls_stream->native_handle(), sni.c_str());
      if (!tls_config.insecure_skip_verify) {
        tls_stream->set_verify_callback(ssl::host_name_verification(sni));
      }
    }
    timer.expires_after(timeout);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return;
      self->timed_out = true;
      self->resolver.cancel();
      boost::system::error_code ignored;
      self->Lowest().socket().close(ignored);
    });
    resolver.async_resolve(url.host, url.port,
                           [self = shared_from_this()](boost::system::error_code ec,
                                                       tcp::resolver::results_type results) {
                             if (ec) return self->Fail(ec, "dial");
                             self->Connect(results);
                           });
  }

  void Connect(const tcp::resolver::results_type& results) {
    Lowest().async_connect(results, [self = shared_from_this()](boost::system::error_code ec,
                                                                const tcp::endpoint&) {
      if (ec) return self->Fail(ec, "dial");
      if (!self->tls_stream) return self->Write(self->tcp_stream);
      self->tls_stream->async_handshake(ssl::stream_base::client,
                                        [self](boost::system::error_code hec) {
                                          if (hec) return self->Fail(hec, "tls");
                                          self->Write(*self->tls_stream);
                                        });
    });
  }

  template <typename Stream>
  void Write(Stream& stream) {
    bhttp::async_write(stream, request,
                       [self = shared_from_this(), &stream](boost::system::error_code ec, size_t) {
                         if (ec) return self->Fail(ec, "write");
                         self->Read(stream);
                       });
  }

  template <typename Stream>
  void Read(Stream& stream) {
    parser.body_limit(kMaxResponseBody * 16);
    bhttp::async_read(stream, buffer, parser,
                      [self = shared_from_this()](boost::system::error_code ec, size_t) {
                        if (ec) return self->Fail(ec, "read");
                        HttpPostResponse response;
                        response.status = self->parser.get().result_int();
                        response.body = std::move(self->parser.get().body());
                        if (response.body.size() > kMaxResponseBody) response.body.resize(kMaxResponseBody);
                        self->Finish(std::move(response));
                      });
  }

  void Fail(boost::system::error_code ec, std::string_view stage) {
    if (timed_out || ec == net::error::operation_aborted) {
      return Finish(Status(StatusCode::kDeadlineExceeded, "context deadline exceeded"));
    }
    Finish(Unavailable(std::string(stage) + ": " + ec.message()));
  }

  void Finish(Result<HttpPostResponse> result) {
    if (finished) return;
    finished = true;
    timer.cancel();
    boost::system::error_code ignored;
    Lowest().socket().close(ignored);
    HttpPostDone d = std::move(done);
    d(std::move(result));
  }

  net::strand<net::io_context::executor_type> strand;
  tcp::resolver resolver;
  net::steady_timer timer;
  beast::tcp_stream tcp_stream;
  std::shared_ptr<ssl::context> tls;  // outlives tls_stream (declared before it)
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream;
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> request;
  bhttp::response_parser<bhttp::string_body> parser;
  bool timed_out = false;
  bool finished = false;
  HttpPostDone done;
};

}  // namespace

Result<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("unable to read secret file " + path);
  std::ostringstream content;
  content << in.rdbuf();
  std::string s = content.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.pop_back();
  }
  return s;
}

void HttpPost(net::io_context& io, const config::HttpClientConfig& http, HttpPostRequest request,
              HttpPostDone done) {
  auto fail = [&](Status s) { net::post(io, [d = std::move(done), s] { d(s); }); };
  Result<ParsedUrl> url = ParseUrl(request.url);
  if (!url.ok()) return fail(url.status());
  if (!http.proxy_url.empty()) return fail(Unimplemented("proxy_url is not supported"));
  Result<std::string> authorization = AuthorizationHeader(http);
  if (!authorization.ok()) return fail(authorization.status());
  std::shared_ptr<ssl::context> tls;
  if (url->https) {
    Result<std::shared_ptr<ssl::context>> ctx = MakeTlsContext(http.tls_config);
    if (!ctx.ok()) return fail(ctx.status());
    tls = std::move(*ctx);
  }
  auto call = std::make_shared<PostCall>(io, std::move(tls), std::move(done));
  auto& req = call->request;
  req.version(11);
  req.method(bhttp::verb::post);
  req.target(url->target);
  req.set(bhttp::field::host, url->host_header);
  req.set(bhttp::field::user_agent, "vigil");
  req.set(bhttp::field::content_type, request.content_type);
  if (!authorization->empty()) req.set(bhttp::field::authorization, *authorization);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = std::move(request.body);
  req.prepare_payload();
  net::dispatch(call->strand, [call, u = std::move(*url), tls_config = http.tls_config,
                               timeout = request.timeout] { call->Start(u, tls_config, timeout); });
}

DeliveryResult ClassifyHttpResult(std::string_view what, const Result<HttpPostResponse>& result) {
  DeliveryResult out;
  if (!result.ok()) {
    const StatusCode code = result.status().code();
    out.retryable = code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded;
    out.status = Status(code, std::string(what) + ": " + result.status().message());
    return out;
  }
  const unsigned status = result->status;
  if (status / 100 == 2) return out;
  out.retryable = status / 100 == 5 || status == 429;
  std::string message = std::string(what) + ": unexpected status code " + std::to_string(status);
  if (!result->body.empty()) message += ": " + result->body.substr(0, 1024);
  out.status = out.retryable ? Unavailable(std::move(message)) : InvalidArgument(std::move(message));
  return out;
}

}  // namespace vigil::notify
