#include "api_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace vigil::app {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

struct Url {
  std::string host;
  std::string port;
  std::string path_prefix;
};

Result<Url> ParseUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    return InvalidArgument("unsupported URL \"" + url + "\" (want http://host:port)");
  }
  std::string rest = url.substr(kScheme.size());
  Url out;
  size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    out.path_prefix = rest.substr(slash);
    while (!out.path_prefix.empty() && out.path_prefix.back() == '/') out.path_prefix.pop_back();
    rest.resize(slash);
  }
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos || (rest.front() == '[' && rest.back() == ']')) {
    out.host = rest;
    out.port = "80";
  } else {
    out.host = rest.substr(0, colon);
    out.port = rest.substr(colon + 1);
  }
  if (out.host.size() >= 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty() || out.port.empty()) return InvalidArgument("invalid URL \"" + url + "\"");
  return out;
}

}  // namespace

std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Result<ApiResponse> SendForm(const std::string& base_url, FormMethod method,
                             const std::string& path, const FormParams& form,
                             std::chrono::milliseconds timeout) {
  VIGIL_ASSIGN_OR_RETURN(Url url, ParseUrl(base_url));
  std::string body;
  for (const auto& [k, v] : form) {
    if (!body.empty()) body.push_back('&');
    body += FormEncode(k) + "=" + FormEncode(v);
  }
  net::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  net::ip::tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(url.host, url.port, ec);
  if (ec) return Unavailable("cannot resolve " + url.host + ": " + ec.message());
  stream.expires_after(timeout);
  stream.connect(endpoints, ec);
  if (ec) return Unavailable("cannot connect to " + base_url + ": " + ec.message());
  const bool post = method == FormMethod::kPost;
  std::string target = url.path_prefix + path;
  if (!post && !body.empty()) target += "?" + body;
  bhttp::request<bhttp::string_body> req(post ? bhttp::verb::post : bhttp::verb::get, target, 11);
  req.set(bhttp::field::host, url.host + ":" + url.port);
  req.set(bhttp::field::user_agent, "vigil-query");
  if (post) {
    req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
    req.body() = std::move(body);
  }
  req.prepare_payload();
  bhttp::write(stream, req, ec);
  if (ec) return Unavailable("sending the request to " + base_url + ": " + ec.message());
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  bhttp::read(stream, buffer, parser, ec);
  if (ec) return Unavailable("reading the response from " + base_url + ": " + ec.message());
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  const auto& res = parser.get();
  return ApiResponse{static_cast<int>(res.result_int()),
                     std::string(res[bhttp::field::content_type]), res.body()};
}

}  // namespace vigil::app
