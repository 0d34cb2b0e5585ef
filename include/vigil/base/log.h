// Structured logging on top of spdlog: one line per event, a message plus
// key=value fields, written as logfmt (the default, as Prometheus) or JSON.
//
//   log::Info("Config reloaded", {{"file", path}, {"duration_ms", 12}});
//
// Thread-safety: every function may be called from any thread once Init has
// returned. Before Init, events go to stderr as logfmt at level info.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "vigil/base/result.h"

namespace vigil::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kLogfmt, kJson };

Result<Level> ParseLevel(std::string_view name);    // debug, info, warn, error
Result<Format> ParseFormat(std::string_view name);  // logfmt, json

// One key=value pair of an event. Values keep their JSON type (number, bool,
// string) so the JSON format writes them unquoted where they are not strings.
struct Field {
  enum class Kind { kString, kNumber, kBool };

  Field(std::string_view k, std::string_view v) : key(k), value(v), kind(Kind::kString) {}
  Field(std::string_view k, const char* v) : key(k), value(v), kind(Kind::kString) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v), kind(Kind::kString) {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), kind(Kind::kBool) {}
  template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
  Field(std::string_view k, T v) : key(k), value(NumberText(v)), kind(Kind::kNumber) {}

  std::string_view key;
  std::string value;
  Kind kind;

 private:
  static std::string NumberText(double v);
  static std::string NumberText(int64_t v);
  template <typename T>
  static std::string NumberText(T v) {
    if constexpr (std::is_floating_point_v<T>) {
      return NumberText(static_cast<double>(v));
    } else {
      return NumberText(static_cast<int64_t>(v));
    }
  }
};

using Fields = std::initializer_list<Field>;

// Sets the minimum level and the line format for the whole process.
void Init(Level level, Format format);

bool Enabled(Level level);
void Write(Level level, std::string_view msg, Fields fields = {});

inline void Debug(std::string_view msg, Fields fields = {}) { Write(Level::kDebug, msg, fields); }
inline void Info(std::string_view msg, Fields fields = {}) { Write(Level::kInfo, msg, fields); }
inline void Warn(std::string_view msg, Fields fields = {}) { Write(Level::kWarn, msg, fields); }
inline void Error(std::string_view msg, Fields fields = {}) { Write(Level::kError, msg, fields); }

// The line Write would emit, without the timestamp; for tests.
std::string FormatLine(Format format, Level level, std::string_view ts, std::string_view msg,
                       Fields fields);

}  // namespace vigil::log
