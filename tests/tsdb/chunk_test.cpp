#include "chunk.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "chunk_packed.h"
#include "vigil/model/value.h"

namespace vigil::tsdb {
namespace {

struct Sample {
  TimestampMs t;
  uint64_t bits;
};

std::vector<Sample> Decode(std::string_view bytes) {
  std::vector<Sample> out;
  ChunkIterator it(bytes);
  while (it.Next()) out.push_back({it.t(), std::bit_cast<uint64_t>(it.v())});
  EXPECT_TRUE(it.status().ok()) << it.status().ToString();
  return out;
}

void ExpectRoundTrip(const std::vector<Sample>& samples) {
  ChunkEncoder enc;
  for (const Sample& s : samples) enc.Append(s.t, std::bit_cast<double>(s.bits));
  ASSERT_EQ(enc.num_samples(), static_cast<int>(samples.size()));
  std::vector<Sample> got = Decode(enc.bytes());
  ASSERT_EQ(got.size(), samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    ASSERT_EQ(got[i].t, samples[i].t) << "sample " << i;
    ASSERT_EQ(got[i].bits, samples[i].bits) << "sample " << i;
  }
  if (!samples.empty()) {
    EXPECT_EQ(enc.min_time(), samples.front().t);
    EXPECT_EQ(enc.max_time(), samples.back().t);
  }
}

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

TEST(ChunkTest, EmptyChunkHasNoSamples) {
  ChunkEncoder enc;
  EXPECT_EQ(enc.num_samples(), 0);
  ChunkIterator it(enc.bytes());
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.status().ok());
}

TEST(ChunkTest, RegularScrapeCompressesWell) {
  std::vector<Sample> s;
  for (int i = 0; i < 120; ++i) s.push_back({1'700'000'000'000 + i * 15'000, Bits(42.0 + (i % 3))});
  ExpectRoundTrip(s);
  ChunkEncoder enc;
  for (const Sample& x : s) enc.Append(x.t, std::bit_cast<double>(x.bits));
  EXPECT_LT(enc.bytes().size(), 120u * 2);  // under 2 bytes per sample
}

TEST(ChunkTest, AdversarialValuesAreBitExact) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<uint64_t> values = {
      Bits(0.0),
      Bits(-0.0),
      Bits(inf),
      Bits(-inf),
      model::kStaleNaNBits,
      Bits(std::numeric_limits<double>::quiet_NaN()),
      0x7ff8000000000001ULL,  // NaN with a payload
      0xfff0000000000001ULL,  // negative signalling NaN
      Bits(std::numeric_limits<double>::denorm_min()),
      Bits(std::numeric_limits<double>::max()),
      Bits(std::numeric_limits<double>::lowest()),
      0xffffffffffffffffULL,
      0x0000000000000001ULL,
      0x8000000000000000ULL,
      Bits(1.0),
      Bits(1.0),
      model::kStaleNaNBits,
      Bits(1.0),
  };
  std::vector<Sample> s;
  TimestampMs t = 0;
  for (uint64_t v : values) s.push_back({t += 1000, v});
  ExpectRoundTrip(s);
}

TEST(ChunkTest, ExtremeTimestampsAndDeltas) {
  std::vector<Sample> s = {
      {std::numeric_limits<int64_t>::min() + 1, Bits(1)},
      {-1'000'000, Bits(2)},
      {-1, Bits(3)},
      {0, Bits(4)},
      {1, Bits(5)},
      {2, Bits(6)},
      {1'000'000'000'000, Bits(7)},
      {1'000'000'000'001, Bits(8)},
      {std::numeric_limits<int64_t>::max() / 2, Bits(9)},
      {std::numeric_limits<int64_t>::max() - 1, Bits(10)},
      {std::numeric_limits<int64_t>::max(), Bits(11)},
  };
  ExpectRoundTrip(s);
}

TEST(ChunkTest, EveryDodBucketBoundary) {
  std::vector<Sample> s;
  TimestampMs t = 1000;
  int64_t delta = 1000;
  s.push_back({t, Bits(0)});
  for (int bits : {9, 14, 20, 64}) {
    for (int64_t dod : {-(int64_t{1} << (bits - 2)), (int64_t{1} << (bits - 2)) - 1,
                        int64_t{1} << (bits - 1)}) {
      if (bits == 64) dod = 1'000'000'000'000;
      delta += dod;
      if (delta <= 0) delta = 1;
      t += delta;
      s.push_back({t, Bits(static_cast<double>(dod))});
    }
  }
  ExpectRoundTrip(s);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

// Stored chunks of format 3 and older hold these Gorilla bytes, and the
// flusher decodes the head's: the encoder must write exactly them. The
// expected bytes were written by the byte-at-a-time encoder of session 4.
TEST(ChunkTest, EncodingIsByteStable) {
  ChunkEncoder short_chunk;
  const std::vector<Sample> samples = {
      {1000, Bits(1.0)},        {2000, Bits(1.0)},           // dod 1000, value repeated
      {3000, Bits(2.0)},        {4005, Bits(3.0)},           // dod 0, dod 5
      {5005, Bits(-0.0)},       {6505, model::kStaleNaNBits},  // dod -5, dod 500
      {108005, Bits(1e300)},    {(int64_t{1} << 41), Bits(5e-324)},  // 20- and 64-bit dods
  };
  for (const Sample& x : samples) short_chunk.Append(x.t, std::bit_cast<double>(x.bits));
  EXPECT_EQ(Hex(short_chunk.bytes()),
            "000800000000000003e83ff0000000000000c1f418257ff80b9806fde019801c0fa607dffe0000000000"
            "007861a8201c7e43c8800759fe000003fffff99b3f83f7e37e43c8800759d0");

  // A long chunk of random walks: its bytes' FNV-1a hash.
  std::mt19937_64 rng(99);
  ChunkEncoder long_chunk;
  TimestampMs t = 1'700'000'000'000;
  double v = 0;
  for (int i = 0; i < 2000; ++i) {
    t += 1000 + static_cast<int64_t>(rng() % 64) - 32;
    v = (rng() % 4 == 0) ? v : v + static_cast<double>(rng() % 1000) / 8;
    long_chunk.Append(t, v);
  }
  uint64_t hash = 1469598103934665603ULL;
  for (char c : long_chunk.bytes()) hash = (hash ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
  EXPECT_EQ(long_chunk.bytes().size(), 6509u);
  EXPECT_EQ(hash, 6800645881819092892ULL);
}

TEST(ChunkTest, RandomValuesRoundTrip) {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 200; ++round) {
    std::vector<Sample> s;
    TimestampMs t = static_cast<int64_t>(rng() % 2'000'000'000'000);
    int n = 1 + static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) {
      switch (rng() % 4) {
        case 0: t += 15'000; break;
        case 1: t += 15'000 + static_cast<int64_t>(rng() % 50) - 25; break;
        case 2: t += 1 + static_cast<int64_t>(rng() % 1'000'000); break;
        default: t += 1 + static_cast<int64_t>(rng() % (int64_t{1} << 40)); break;
      }
      uint64_t v = 0;
      switch (rng() % 4) {
        case 0: v = rng(); break;
        case 1: v = Bits(static_cast<double>(rng() % 1000)); break;
        case 2: v = s.empty() ? 0 : s.back().bits; break;
        default: v = s.empty() ? 1 : s.back().bits ^ (1ULL << (rng() % 64)); break;
      }
      s.push_back({t, v});
    }
    ExpectRoundTrip(s);
  }
}

TEST(ChunkTest, SeekMovesForwardOnly) {
  ChunkEncoder enc;
  for (int i = 0; i < 100; ++i) enc.Append(i * 10, i);
  ChunkIterator it(enc.bytes());
  ASSERT_TRUE(it.Seek(55));
  EXPECT_EQ(it.t(), 60);
  EXPECT_EQ(it.v(), 6);
  ASSERT_TRUE(it.Seek(10));  // never backwards
  EXPECT_EQ(it.t(), 60);
  ASSERT_TRUE(it.Seek(990));
  EXPECT_EQ(it.t(), 990);
  EXPECT_FALSE(it.Seek(991));
  EXPECT_FALSE(it.Seek(0));
}

// Seek lands where a linear scan would, on both encodings: from the start,
// after some Next calls, on exact and in-between times, before the first
// and past the last sample.
TEST(ChunkTest, SeekMatchesALinearScanOnBothEncodings) {
  ChunkEncoder enc;
  std::vector<Sample> samples;
  for (int i = 0; i < 70; ++i) {
    TimestampMs t = 1000 * (i + 1) + (i % 3);
    enc.Append(t, i);
    samples.push_back({t, std::bit_cast<uint64_t>(static_cast<double>(i))});
  }
  const std::string gorilla(enc.bytes());
  const std::string packed = CompactChunkForStorage(gorilla);
  ASSERT_NE(packed, gorilla);  // small integers: the packed form is smaller
  for (const std::string& chunk : {gorilla, packed}) {
    for (int nexts : {0, 1, 35, 69, 70}) {
      for (TimestampMs target = 0; target <= 72'000; target += 250) {
        ChunkIterator it(chunk);
        for (int i = 0; i < nexts; ++i) ASSERT_TRUE(it.Next());
        // A linear scan: the current sample if it is at or after target,
        // else the first later one.
        size_t want = nexts == 0 ? 0 : static_cast<size_t>(nexts - 1);
        while (want < samples.size() && samples[want].t < target) ++want;
        if (want == samples.size()) {
          EXPECT_FALSE(it.Seek(target)) << nexts << " " << target;
          continue;
        }
        ASSERT_TRUE(it.Seek(target)) << nexts << " " << target;
        EXPECT_EQ(it.t(), samples[want].t);
        EXPECT_EQ(std::bit_cast<uint64_t>(it.v()), samples[want].bits);
        if (want + 1 < samples.size()) {
          ASSERT_TRUE(it.Next());
          EXPECT_EQ(it.t(), samples[want + 1].t);
        }
      }
    }
  }
}

TEST(ChunkTest, ReadsWhileAppending) {
  ChunkEncoder enc;
  for (int i = 0; i < 50; ++i) {
    enc.Append(i, i * 0.5);
    std::string copy(enc.bytes());
    std::vector<Sample> got = Decode(copy);
    ASSERT_EQ(got.size(), static_cast<size_t>(i + 1));
    EXPECT_EQ(got.back().t, i);
  }
}

TEST(ChunkTest, TruncatedChunkReportsCorruption) {
  ChunkEncoder enc;
  for (int i = 0; i < 100; ++i) enc.Append(i * 1000 + (i % 7), i * 1.1);
  std::string bytes(enc.bytes());
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    ChunkIterator it(std::string_view(bytes).substr(0, cut));
    int n = 0;
    while (it.Next()) ++n;
    EXPECT_LT(n, 100);
    EXPECT_FALSE(it.status().ok()) << "cut at " << cut;
  }
}

TEST(ChunkTest, GarbageNeverCrashes) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 500; ++round) {
    std::string bytes(rng() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    ChunkIterator it(bytes);
    while (it.Next()) {
    }
  }
}

}  // namespace
}  // namespace vigil::tsdb
