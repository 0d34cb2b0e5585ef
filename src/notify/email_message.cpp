// Renders an email as Alertmanager 0.25's email notifier composes it:
// templated headers (Q-encoded when not plain ASCII), Message-Id, Date, and a
// multipart/alternative body with quoted-printable text and HTML parts.
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <map>
#include <random>

#include "receivers.h"
#include "template_data.h"
#include "text_renderer.h"

namespace vigil::notify {

namespace {

// mime.QEncoding.Encode("utf-8", v): unchanged unless a byte needs encoding.
std::string QEncodeHeader(const std::string& value) {
  bool plain = true;
  for (unsigned char c : value) plain = plain && ((c >= ' ' && c <= '~') || c == '\t');
  if (plain) return value;
  std::string out;
  std::string word;
  auto flush = [&] {
    if (!out.empty()) out += ' ';
    out += "=?utf-8?q?" + word + "?=";
    word.clear();
  };
  for (size_t i = 0; i < value.size();) {
    // Keep a UTF-8 sequence in one encoded word.
    size_t len = 1;
    unsigned char lead = static_cast<unsigned char>(value[i]);
    if (lead >= 0xF0) len = 4;
    else if (lead >= 0xE0) len = 3;
    else if (lead >= 0xC0) len = 2;
    std::string encoded;
    for (size_t k = i; k < i + len && k < value.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(value[k]);
      if (c == ' ') {
        encoded += '_';
      } else if (c > ' ' && c <= '~' && c != '=' && c != '?' && c != '_') {
        encoded += static_cast<char>(c);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof(hex), "=%02X", c);
        encoded += hex;
      }
    }
    if (word.size() + encoded.size() > 75 - 12) flush();  // 12: "=?utf-8?q?" + "?="
    word += encoded;
    i += len;
  }
  if (!word.empty()) flush();
  return out;
}

// Quoted-printable (RFC 2045) with CRLF line ends and lines of at most 76.
std::string QuotedPrintable(std::string_view body) {
  std::string out;
  size_t line_len = 0;
  auto put = [&](std::string_view piece) {
    if (line_len + piece.size() > 75) {
      out += "=\r\n";
      line_len = 0;
    }
    out += piece;
    line_len += piece.size();
  };
  for (size_t i = 0; i < body.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    if (c == '\n' || (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n')) {
      if (c == '\r') ++i;
      out += "\r\n";
      line_len = 0;
      continue;
    }
    const bool at_line_end = i + 1 == body.size() || body[i + 1] == '\n' || body[i + 1] == '\r';
    const bool literal = (c >= '!' && c <= '~' && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (literal) {
      char ch = static_cast<char>(c);
      put(std::string_view(&ch, 1));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "=%02X", c);
      put(hex);
    }
  }
  return out;
}

// "Name <a@b>" or "a@b" -> "a@b".
std::string AddressOf(std::string_view entry) {
  size_t open = entry.rfind('<');
  size_t close = entry.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    return std::string(entry.substr(open + 1, close - open - 1));
  }
  size_t b = entry.find_first_not_of(" \t");
  size_t e = entry.find_last_not_of(" \t");
  return b == std::string_view::npos ? "" : std::string(entry.substr(b, e - b + 1));
}

std::string Rfc1123Z(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

}  // namespace

Result<EmailMessage> RenderEmail(const config::EmailConfig& cfg, const tmpl::Template& templates,
                                 const Notification& n, int64_t now_ms, const std::string& hostname) {
  TextRenderer render(templates, TemplateDataOf(n));
  EmailMessage msg;
  msg.from = AddressOf(render(cfg.from));
  if (!render.error().ok()) return InvalidArgument("execute 'from' template: " + render.error().message());
  if (msg.from.empty()) return InvalidArgument("parse 'from' addresses: no address");
  std::string to = render(cfg.to);
  if (!render.error().ok()) return InvalidArgument("execute 'to' template: " + render.error().message());
  for (size_t start = 0; start <= to.size();) {
    size_t comma = to.find(',', start);
    if (comma == std::string::npos) comma = to.size();
    std::string address = AddressOf(std::string_view(to).substr(start, comma - start));
    if (!address.empty()) msg.to.push_back(std::move(address));
    start = comma + 1;
  }
  if (msg.to.empty()) return InvalidArgument("parse 'to' addresses: no address");

  // Alertmanager's defaults for the three headers every email has.
  std::map<std::string, std::string> headers = cfg.headers;
  headers.emplace("Subject", std::string(config::kDefaultEmailSubject));
  headers.emplace("To", cfg.to);
  headers.emplace("From", cfg.from);
  std::string& data = msg.data;
  for (const auto& [name, text] : headers) {
    std::string value = render(text);
    if (!render.error().ok()) {
      return InvalidArgument("execute \"" + name + "\" header template: " + render.error().message());
    }
    data += name + ": " + QEncodeHeader(value) + "\r\n";
  }
  std::random_device random_device;
  std::mt19937_64 random(random_device());
  if (headers.find("Message-Id") == headers.end()) {
    char id[128];
    std::snprintf(id, sizeof(id), "<%" PRId64 ".%" PRIu64 "@", now_ms * 1000000, random());
    data += "Message-Id: " + std::string(id) + hostname + ">\r\n";
  }
  char boundary[61];
  std::snprintf(boundary, sizeof(boundary), "%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%012" PRIx64,
                random(), random(), random(), static_cast<uint64_t>(random() & 0xffffffffffffULL));
  data += "Date: " + Rfc1123Z(now_ms) + "\r\n";
  data += "Content-Type: multipart/alternative;  boundary=" + std::string(boundary) + "\r\n";
  data += "MIME-Version: 1.0\r\n\r\n";

  bool first_part = true;
  auto add_part = [&](std::string_view content_type, const std::string& body) {
    data += first_part ? "--" : "\r\n--";
    first_part = false;
    data += std::string(boundary) + "\r\n";
    data += "Content-Transfer-Encoding: quoted-printable\r\n";
    data += "Content-Type: " + std::string(content_type) + "\r\n\r\n";
    data += QuotedPrintable(body);
  };
  if (!cfg.text.empty()) {
    std::string text = render(cfg.text);
    if (!render.error().ok()) return InvalidArgument("execute text template: " + render.error().message());
    add_part("text/plain; charset=UTF-8", text);
  }
  if (!cfg.html.empty()) {
    std::string html = render(cfg.html, tmpl::Escaping::kHtml);
    if (!render.error().ok()) return InvalidArgument("execute html template: " + render.error().message());
    add_part("text/html; charset=UTF-8", html);
  }
  data += (first_part ? "--" : "\r\n--") + std::string(boundary) + "--\r\n";
  return msg;
}

}  // namespace vigil::notify
