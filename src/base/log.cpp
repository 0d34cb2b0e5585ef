#include "vigil/base/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "vigil/base/format_float.h"

namespace vigil::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<Format> g_format{Format::kLogfmt};

spdlog::logger& Logger() {
  // Writes the finished line as is: formatting is ours, sinks are spdlog's.
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("vigil",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

// logfmt quotes a value when it is empty or holds a space, '=', '"' or a
// control character.
void AppendLogfmtValue(std::string_view v, std::string* out) {
  bool quote = v.empty();
  for (char c : v) {
    if (c == ' ' || c == '=' || c == '"' || static_cast<unsigned char>(c) < 0x20) quote = true;
  }
  if (!quote) {
    *out += v;
    return;
  }
  *out += '"';
  for (char c : v) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\t': *out += "\\t"; break;
      case '\r': *out += "\\r"; break;
      default: *out += c;
    }
  }
  *out += '"';
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

spdlog::level::level_enum SpdLevel(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

std::string Field::NumberText(double v) { return FormatFloat(v); }
std::string Field::NumberText(int64_t v) { return std::to_string(v); }

Result<Level> ParseLevel(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn") return Level::kWarn;
  if (name == "error") return Level::kError;
  return InvalidArgument("unknown log level \"" + std::string(name) +
                         "\" (want debug, info, warn or error)");
}

Result<Format> ParseFormat(std::string_view name) {
  if (name == "logfmt") return Format::kLogfmt;
  if (name == "json") return Format::kJson;
  return InvalidArgument("unknown log format \"" + std::string(name) + "\" (want logfmt or json)");
}

void Init(Level level, Format format) {
  g_level.store(level);
  g_format.store(format);
}

bool Enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

std::string FormatLine(Format format, Level level, std::string_view ts, std::string_view msg,
                       Fields fields) {
  if (format == Format::kJson) {
    nlohmann::ordered_json j;
    j["ts"] = ts;
    j["level"] = LevelName(level);
    j["msg"] = msg;
    for (const Field& f : fields) {
      std::string key(f.key);
      switch (f.kind) {
        case Field::Kind::kString: j[key] = f.value; break;
        case Field::Kind::kBool: j[key] = f.value == "true"; break;
        case Field::Kind::kNumber: {
          // Non-finite numbers are not JSON numbers: keep them as strings.
          auto parsed = nlohmann::json::parse(f.value, nullptr, false);
          j[key] = parsed.is_discarded() ? nlohmann::json(f.value) : parsed;
          break;
        }
      }
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string line = "ts=";
  line += ts;
  line += " level=";
  line += LevelName(level);
  line += " msg=";
  AppendLogfmtValue(msg, &line);
  for (const Field& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    AppendLogfmtValue(f.value, &line);
  }
  return line;
}

void Write(Level level, std::string_view msg, Fields fields) {
  if (!Enabled(level)) return;
  std::string line = FormatLine(g_format.load(), level, Timestamp(), msg, fields);
  Logger().log(SpdLevel(level), "{}", line);
}

}  // namespace vigil::log
