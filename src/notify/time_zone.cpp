#include "time_zone.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>

namespace vigil::notify {
namespace {

int64_t BigEndian(const std::string& d, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(d[pos + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool ValidZoneName(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '+';
  });
}

}  // namespace

Result<TimeZone> TimeZone::Load(const std::string& name) {
  TimeZone tz;
  if (name.empty() || name == "UTC") return tz;
  if (name == "Local") {
    tz.kind_ = Kind::kLocal;
    return tz;
  }
  if (!ValidZoneName(name)) return InvalidArgument("invalid time zone name \"" + name + "\"");
  std::string path = "/usr/share/zoneinfo/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("unknown time zone \"" + name + "\" (no " + path + ")");
  std::string d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&] { return InvalidArgument("cannot read time zone file " + path); };
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0) return bad();
  // Counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = BigEndian(d, at + 20 + 4 * i, 4);
  };
  int64_t c[6];
  counts(0, c);
  size_t pos = 44;
  int time_size = 4;
  if (d[4] >= '2') {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    pos += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (d.size() < pos + 44 || d.compare(pos, 4, "TZif") != 0) return bad();
    counts(pos, c);
    pos += 44;
    time_size = 8;
  }
  size_t need = c[3] * time_size + c[3] + c[4] * 6;
  if (c[4] <= 0 || d.size() < pos + need) return bad();
  std::vector<int64_t> times(c[3]);
  for (int64_t i = 0; i < c[3]; ++i) times[i] = BigEndian(d, pos + i * time_size, time_size);
  size_t idx_pos = pos + c[3] * time_size;
  size_t type_pos = idx_pos + c[3];
  auto type_offset = [&](int idx) {
    return static_cast<int32_t>(BigEndian(d, type_pos + idx * 6, 4));
  };
  tz.kind_ = Kind::kTable;
  tz.initial_offset_ = type_offset(0);
  for (int64_t i = 0; i < c[3]; ++i) {
    int idx = static_cast<unsigned char>(d[idx_pos + i]);
    if (idx >= c[4]) return bad();
    tz.transitions_.push_back(times[i]);
    tz.offsets_.push_back(type_offset(idx));
  }
  return tz;
}

int64_t TimeZone::OffsetAt(int64_t unix_seconds) const {
  switch (kind_) {
    case Kind::kUtc:
      return 0;
    case Kind::kLocal: {
      std::time_t t = static_cast<std::time_t>(unix_seconds);
      std::tm tm{};
      localtime_r(&t, &tm);
      return tm.tm_gmtoff;
    }
    case Kind::kTable: {
      auto it = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds);
      if (it == transitions_.begin()) return initial_offset_;
      return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
    }
  }
  return 0;
}

}  // namespace vigil::notify
