// Go's time.Time as templates see it: an instant with a zone, printed as
// time.String() ("2006-01-02 15:04:05.999999999 -0700 MST"), formatted with
// Go layouts (t.Format "2006-01-02"), and exposing the common methods
// (.Unix, .UnixMilli, .Format, .Year, ...). Thread-safety: immutable values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vigil/template/template.h"

namespace vigil::tmpl {

struct GoTime {
  int64_t unix_seconds = 0;
  int32_t nanos = 0;  // [0, 1e9)
  std::string zone = "UTC";
  int32_t offset_seconds = 0;  // east of UTC
};

std::string FormatGoTime(const GoTime& t, std::string_view layout);
std::string GoTimeString(const GoTime& t);

// Fields: Unix, UnixMilli, UnixNano, Year, Month, Day, Hour, Minute, Second,
// Nanosecond, Weekday, YearDay, String, IsZero, UTC, Local. Methods: Format
// "layout", Sub TIME (a duration), Add DURATION.
class TimeObject : public Object {
 public:
  explicit TimeObject(GoTime t) : t_(std::move(t)) {}
  std::optional<Value> Field(std::string_view name) const override;
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override;
  std::string ToString() const override { return GoTimeString(t_); }
  const GoTime& time() const { return t_; }

 private:
  GoTime t_;
};

Value MakeTime(GoTime t);
// The time in `v`, or null when `v` is not a time.
const GoTime* AsTime(const Value& v);

// Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s".
std::string GoDurationString(int64_t nanos);

// A time.Duration: prints as GoDurationString, with .Seconds, .Minutes,
// .Hours (floats), .Milliseconds and .Nanoseconds (ints), and .Round and
// .Truncate taking a duration (or a number of nanoseconds, as Go's
// untyped constants).
class DurationObject : public Object {
 public:
  explicit DurationObject(int64_t nanos) : nanos_(nanos) {}
  std::optional<Value> Field(std::string_view name) const override;
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override;
  int64_t nanos() const { return nanos_; }
  std::string ToString() const override { return GoDurationString(nanos_); }

 private:
  int64_t nanos_;
};

Value MakeDuration(int64_t nanos);
// The duration in `v`, or null.
const DurationObject* AsDuration(const Value& v);
// A time.Duration parameter: a duration, or an int taken as nanoseconds.
Result<int64_t> DurationArg(const Value& v);

}  // namespace vigil::tmpl
