#include "time_zone.h"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace vigil::tmpl {
namespace {

constexpr const char* kZoneInfoDir = "/usr/share/zoneinfo/";

int64_t ReadBigEndian(std::string_view data, size_t pos, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

struct Counts {
  size_t isut, isstd, leap, time, type, chars;
};

bool ReadCounts(std::string_view data, size_t pos, Counts* c) {
  if (pos + 44 > data.size() || data.substr(pos, 4) != "TZif") return false;
  size_t* fields[] = {&c->isut, &c->isstd, &c->leap, &c->time, &c->type, &c->chars};
  for (size_t i = 0; i < 6; ++i) {
    *fields[i] = static_cast<size_t>(static_cast<uint32_t>(ReadBigEndian(data, pos + 20 + 4 * i, 4)));
  }
  return true;
}

size_t BlockSize(const Counts& c, size_t time_bytes) {
  return c.time * time_bytes + c.time + c.type * 6 + c.chars + c.leap * (time_bytes + 4) + c.isstd +
         c.isut;
}

// The zone offset and abbreviation in effect at `unix_seconds`. After the
// last transition listed in the file the last zone stays in effect (Debian
// ships "fat" files listing transitions up to 2037).
Status ApplyZone(std::string_view data, int64_t unix_seconds, GoTime* t) {
  Counts c;
  if (!ReadCounts(data, 0, &c)) return InvalidArgument("not a TZif file");
  size_t pos = 44;
  size_t time_bytes = 4;
  if (data[4] >= '2') {
    // Skip the 32-bit block: the 64-bit one follows its own header.
    pos += BlockSize(c, 4);
    if (!ReadCounts(data, pos, &c)) return InvalidArgument("bad TZif v2 header");
    pos += 44;
    time_bytes = 8;
  }
  if (pos + BlockSize(c, time_bytes) > data.size() || c.type == 0) {
    return InvalidArgument("truncated TZif file");
  }
  size_t times = pos;
  size_t indices = times + c.time * time_bytes;
  size_t types = indices + c.time;
  size_t chars = types + c.type * 6;
  size_t type = 0;
  for (size_t i = 0; i < c.time; ++i) {
    if (ReadBigEndian(data, times + i * time_bytes, time_bytes) > unix_seconds) break;
    type = static_cast<unsigned char>(data[indices + i]);
  }
  if (type >= c.type) return InvalidArgument("bad TZif type index");
  size_t info = types + type * 6;
  t->offset_seconds = static_cast<int32_t>(ReadBigEndian(data, info, 4));
  size_t abbr = static_cast<unsigned char>(data[info + 5]);
  if (abbr >= c.chars) return InvalidArgument("bad TZif abbreviation index");
  std::string_view names = data.substr(chars, c.chars);
  t->zone = std::string(names.substr(abbr, names.find('\0', abbr) - abbr));
  return Status::Ok();
}

}  // namespace

Result<GoTime> InZone(const GoTime& t, std::string_view name) {
  GoTime out = t;
  if (name.empty() || name == "UTC") {
    out.zone = "UTC";
    out.offset_seconds = 0;
    return out;
  }
  if (name.find("..") != std::string_view::npos || name.front() == '/' ||
      name.front() == '\\') {
    return InvalidArgument("time: invalid location name");
  }
  std::string path = name == "Local" ? "/etc/localtime" : kZoneInfoDir + std::string(name);
  std::ifstream file(path, std::ios::binary);
  if (!file && name == "Local") return InZone(t, "UTC");  // Go's Local without tzdata
  if (!file) return InvalidArgument("unknown time zone " + std::string(name));
  std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  Status status = ApplyZone(data, t.unix_seconds, &out);
  if (!status.ok()) return InvalidArgument("unknown time zone " + std::string(name));
  return out;
}

}  // namespace vigil::tmpl
