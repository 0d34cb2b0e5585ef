#include "notification_data.h"

#include <chrono>
#include <cinttypes>
#include <cstdio>

namespace vigil::notify {

namespace {

// The pairs every alert has with the same value.
model::Labels Common(const std::vector<AlertView>& alerts, model::Labels Alert::*member) {
  if (alerts.empty()) return {};
  std::vector<std::pair<std::string, std::string>> common;
  for (const model::Label& l : alerts.front().alert->*member) {
    bool everywhere = true;
    for (size_t i = 1; i < alerts.size() && everywhere; ++i) {
      const model::Labels& other = alerts[i].alert->*member;
      everywhere = other.Has(l.name) && other.Get(l.name) == l.value;
    }
    if (everywhere) common.emplace_back(std::string(l.name), std::string(l.value));
  }
  return model::Labels::FromPairs(std::move(common));
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second, millis;
};

Civil ToCivil(int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(ms)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> tod{t - day};
  return Civil{static_cast<int>(ymd.year()),           static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),       static_cast<unsigned>(tod.hours().count()),
               static_cast<unsigned>(tod.minutes().count()),
               static_cast<unsigned>(tod.seconds().count()),
               static_cast<unsigned>(tod.subseconds().count())};
}

// Go's ".999999999" fraction: no trailing zeros, nothing when zero.
std::string Fraction(unsigned millis) {
  if (millis == 0) return "";
  char buf[16];
  std::snprintf(buf, sizeof(buf), ".%03u", millis);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  return s;
}

std::string Format(int64_t ms, char date_time_separator, std::string_view zone) {
  Civil c = ms == 0 ? Civil{1, 1, 1, 0, 0, 0, 0} : ToCivil(ms);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04" PRId64 "-%02u-%02u%c%02u:%02u:%02u", c.year, c.month,
                c.day, date_time_separator, c.hour, c.minute, c.second);
  return std::string(buf) + Fraction(c.millis) + std::string(zone);
}

}  // namespace

NotificationView ViewOf(const Notification& n) {
  NotificationView view;
  view.receiver = QuoteMeta(n.receiver);
  view.alerts.reserve(n.alerts.size());
  for (const Alert& a : n.alerts) {
    AlertView av;
    av.alert = &a;
    av.firing = !a.ResolvedAt(n.now_ms);
    av.ends_at_ms = av.firing ? 0 : a.ends_at_ms;
    av.fingerprint = AlertFingerprint(a.labels);
    view.firing = view.firing || av.firing;
    view.alerts.push_back(std::move(av));
  }
  view.common_labels = Common(view.alerts, &Alert::labels);
  view.common_annotations = Common(view.alerts, &Alert::annotations);
  return view;
}

std::string AlertFingerprint(const model::Labels& labels) {
  constexpr uint64_t kOffset = 14695981039346656037ULL;
  constexpr uint64_t kPrime = 1099511628211ULL;
  uint64_t h = kOffset;
  auto add = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= kPrime;
    }
  };
  auto add_separator = [&h] {
    h ^= 0xff;
    h *= kPrime;
  };
  for (const model::Label& l : labels) {  // sorted by name
    add(l.name);
    add_separator();
    add(l.value);
    add_separator();
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, h);
  return buf;
}

std::string FormatRfc3339Nano(int64_t ms) { return Format(ms, 'T', "Z"); }

std::string FormatGoTimeString(int64_t ms) { return Format(ms, ' ', " +0000 UTC"); }

std::string QuoteMeta(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view(R"(\.+*?()|[]{}^$)").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace vigil::notify
