// FindLabelValueStop against a byte-by-byte scan: every stop byte at every
// offset around the word boundaries, and the bytes next to the stops (which
// a wrong carry in the word arithmetic would flag).
#include "word_scan.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::expfmt::internal {
namespace {

size_t ByteByByte(std::string_view s, size_t from) {
  size_t p = from;
  while (p < s.size() && s[p] != '"' && s[p] != '\\' && s[p] != '\n' &&
         static_cast<unsigned char>(s[p]) < 0x80) {
    ++p;
  }
  return p;
}

TEST(FindLabelValueStop, EachStopAtEachOffset) {
  for (char stop : {'"', '\\', '\n', '\x80', '\xc3', '\xff'}) {
    for (size_t len = 0; len <= 26; ++len) {
      for (size_t at = 0; at < len; ++at) {
        std::string s(len, 'a');
        s[at] = stop;
        for (size_t from = 0; from <= at; ++from) {
          ASSERT_EQ(FindLabelValueStop(s, from), at)
              << "stop " << int(stop) << " len " << len << " at " << at << " from " << from;
        }
        // Past the stop, the scan runs to the end.
        ASSERT_EQ(FindLabelValueStop(s, at + 1), len);
      }
    }
  }
}

TEST(FindLabelValueStop, NeighboursOfTheStopsAreNotStops) {
  // Every byte below 0x80 but the three stops, including NUL and 0x7f.
  std::string plain;
  for (int c = 0; c < 0x80; ++c) {
    if (c != '"' && c != '\\' && c != '\n') plain.push_back(static_cast<char>(c));
  }
  for (size_t from = 0; from <= plain.size(); ++from) {
    ASSERT_EQ(FindLabelValueStop(plain, from), plain.size()) << from;
  }
  // Bytes one off each stop, packed into words in every alignment.
  std::string near = "!#[]\t\v\x7f\x01!#[]\t\v\x7f\x01";
  for (size_t from = 0; from <= near.size(); ++from) {
    ASSERT_EQ(FindLabelValueStop(near, from), near.size()) << from;
  }
}

TEST(FindLabelValueStop, MixedValuesMatchTheByteLoop) {
  const std::string values[] = {
      "",
      "0",
      "/api/v2/r3\"",
      "caf\xc3\xa9\"",
      "a\\\"b\"",
      "1234567\"",
      "12345678\"",
      "123456789\"",
      "x\ny\"",
      "\xe2\x98\x83",
      "\\",
      "long value without a stop",
  };
  for (const std::string& v : values) {
    for (size_t from = 0; from <= v.size(); ++from) {
      EXPECT_EQ(FindLabelValueStop(v, from), ByteByByte(v, from)) << v << " from " << from;
    }
  }
}

}  // namespace
}  // namespace vigil::expfmt::internal
