// The packed chunk encoding (stored chunks): bit-exact round trips of random
// and adversarial values and timestamps, the fallback to Gorilla bytes, its
// size on realistic series, and malformed input.
#include "chunk_packed.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "chunk.h"
#include "chunk_corpus.h"
#include "vigil/model/value.h"

namespace vigil::tsdb {
namespace {

struct Samples {
  std::vector<TimestampMs> t;
  std::vector<uint64_t> bits;
  void Add(TimestampMs ts, double v) { AddBits(ts, std::bit_cast<uint64_t>(v)); }
  void AddBits(TimestampMs ts, uint64_t b) {
    t.push_back(ts);
    bits.push_back(b);
  }
};

std::string Gorilla(const Samples& s) {
  ChunkEncoder enc;
  for (size_t i = 0; i < s.t.size(); ++i) enc.Append(s.t[i], std::bit_cast<double>(s.bits[i]));
  return std::string(enc.bytes());
}

// The packed bytes decode to exactly the samples, directly and through a
// ChunkIterator, and CompactChunkForStorage of the Gorilla form reads back
// the same samples in no more bytes.
void ExpectRoundTrip(const Samples& s) {
  std::string packed = EncodePackedChunk(s.t, s.bits);
  ASSERT_TRUE(IsEncodedChunk(packed));
  std::vector<TimestampMs> t;
  std::vector<uint64_t> bits;
  Status st = DecodePackedChunk(packed, &t, &bits);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(t, s.t);
  ASSERT_EQ(bits.size(), s.bits.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    ASSERT_EQ(bits[i], s.bits[i]) << "sample " << i << ": " << std::bit_cast<double>(s.bits[i]);
  }
  EXPECT_EQ(ChunkNumSamples(packed), static_cast<int>(s.t.size()));

  std::string gorilla = Gorilla(s);
  std::optional<uint64_t> last_bits;
  std::string stored = CompactChunkForStorage(gorilla, &last_bits);
  EXPECT_LE(stored.size(), gorilla.size());
  ASSERT_TRUE(last_bits.has_value());  // the flusher's watermark value
  EXPECT_EQ(*last_bits, s.bits.back());
  ChunkIterator it(stored);
  size_t i = 0;
  while (it.Next()) {
    ASSERT_LT(i, s.t.size());
    ASSERT_EQ(it.t(), s.t[i]) << "sample " << i;
    ASSERT_EQ(std::bit_cast<uint64_t>(it.v()), s.bits[i]) << "sample " << i;
    ++i;
  }
  ASSERT_TRUE(it.status().ok()) << it.status().ToString();
  EXPECT_EQ(i, s.t.size());
}

const double kAdversarial[] = {
    0.0,
    -0.0,
    std::numeric_limits<double>::infinity(),
    -std::numeric_limits<double>::infinity(),
    std::numeric_limits<double>::quiet_NaN(),
    -std::numeric_limits<double>::quiet_NaN(),
    std::bit_cast<double>(model::kStaleNaNBits),
    std::bit_cast<double>(uint64_t{0x7ff0000000000001}),  // signalling NaN payload
    std::bit_cast<double>(uint64_t{0xfff8deadbeef0001}),
    1e308,
    -1e308,
    std::numeric_limits<double>::max(),
    std::numeric_limits<double>::lowest(),
    std::numeric_limits<double>::min(),
    std::numeric_limits<double>::denorm_min(),
    -std::numeric_limits<double>::denorm_min(),
    0.1 + 0.2,
    0.1,
    1.0 / 3.0,
    9007199254740991.0,  // 2^53 - 1
    9007199254740992.0,  // 2^53
    9007199254740994.0,  // 2^53 + 2
    -9007199254740991.0,
    -9007199254740992.0,
    9.2233720368547758e18,  // 2^63
    -9.2233720368547758e18,
    1e-15,
    123456.789012,
    0.000001,
    -42.5,
};

TEST(ChunkPackedTest, AdversarialValuesRoundTripAlone) {
  for (double v : kAdversarial) {
    Samples s;
    s.Add(1000, v);
    ExpectRoundTrip(s);
  }
}

TEST(ChunkPackedTest, AdversarialValuesRoundTripMixedWithDecimals) {
  Samples s;
  TimestampMs t = 1'700'000'000'000;
  int i = 0;
  for (double v : kAdversarial) {
    s.Add(t += 1000, 12.5 + i);
    s.Add(t += 1000, v);
    s.Add(t += 1000, 0.001 * ++i);
  }
  ExpectRoundTrip(s);
}

TEST(ChunkPackedTest, AStalenessMarkerCostsOnlyItsRawBytes) {
  std::mt19937_64 rng(9);
  Samples s;
  double v = 20.0;
  for (int i = 0; i < 119; ++i) {
    v += static_cast<double>(static_cast<int>(rng() % 201) - 100) / 1000.0;
    v = std::round(v * 1000) / 1000;
    s.Add(1'700'000'000'000 + i * 1000 + static_cast<int64_t>(rng() % 5), v);
  }
  size_t without = EncodePackedChunk(s.t, s.bits).size();
  s.AddBits(1'700'000'000'000 + 119 * 1000, model::kStaleNaNBits);
  ExpectRoundTrip(s);
  // The marker is an exception (gap, 8 bytes, a zero delta), not a reason to
  // fall back to Gorilla for the whole chunk.
  std::string stored = CompactChunkForStorage(Gorilla(s));
  EXPECT_TRUE(IsEncodedChunk(stored));
  EXPECT_LE(stored.size(), without + 12);
}

TEST(ChunkPackedTest, EdgeTimestampsRoundTrip) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  const std::vector<std::vector<TimestampMs>> cases = {
      {0},
      {lo},
      {hi},
      {lo, hi},
      {lo, 0, hi},
      {lo, lo + 1, hi - 1, hi},
      {-5'000, -4'000, -1, 0, 1, 1'000'000'000'000},
      {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
  };
  for (const auto& ts : cases) {
    Samples s;
    for (size_t i = 0; i < ts.size(); ++i) s.Add(ts[i], static_cast<double>(i) * 1.5);
    ExpectRoundTrip(s);
  }
}

TEST(ChunkPackedTest, RandomSamplesRoundTrip) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 300; ++round) {
    Samples s;
    int n = 1 + static_cast<int>(rng() % 200);
    auto t = static_cast<TimestampMs>(rng()) >> (rng() % 64);
    int kind = round % 5;
    double walk = static_cast<double>(rng() % 1000);
    for (int i = 0; i < n; ++i) {
      int64_t step = 1 + static_cast<int64_t>(rng() % (round % 2 ? 20'000 : 3));
      if (rng() % 50 == 0) step = static_cast<int64_t>((rng() >> 1) >> (rng() % 63)) + 1;
      if (t > std::numeric_limits<int64_t>::max() - step) break;
      t += step;
      switch (kind) {
        case 0:  // any bit pattern
          s.AddBits(t, rng());
          break;
        case 1:  // integers of any size
          s.Add(t, static_cast<double>(static_cast<int64_t>(rng()) >> (rng() % 64)));
          break;
        case 2:  // decimals with a random number of digits
          walk += static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000) /
                  std::pow(10.0, static_cast<double>(rng() % 10));
          s.Add(t, walk);
          break;
        case 3:  // decimals with adversarial values sprinkled in
          if (rng() % 7 == 0) {
            s.Add(t, kAdversarial[rng() % std::size(kAdversarial)]);
          } else {
            s.Add(t, std::round(walk += 0.5) / 1000.0);
          }
          break;
        default:  // random doubles
          s.Add(t, std::ldexp(static_cast<double>(rng() % 1'000'000) - 500'000.0,
                              static_cast<int>(rng() % 200) - 100));
      }
    }
    if (s.t.empty()) continue;
    SCOPED_TRACE("round " + std::to_string(round));
    ExpectRoundTrip(s);
  }
}

// Counters and six-decimal gauges, as scrapes expose them, take well under
// their Gorilla size (bench/tsdb_bench.cpp measures it).
TEST(ChunkPackedTest, CountersAndDecimalGaugesShrink) {
  std::mt19937_64 rng(7);
  Samples counter;
  Samples gauge;
  TimestampMs t = 1'700'000'000'000;
  double c = 123456;
  double g = 53.123457;
  for (int i = 0; i < 120; ++i) {
    t += 1000 + static_cast<int64_t>(rng() % 7) - 3;
    c += static_cast<double>(rng() % 10);
    g = std::round((g + (static_cast<double>(rng() % 400'001) - 200'000) / 1e6) * 1e6) / 1e6;
    counter.Add(t, c);
    gauge.Add(t, g);
  }
  ExpectRoundTrip(counter);
  ExpectRoundTrip(gauge);
  EXPECT_LT(CompactChunkForStorage(Gorilla(counter)).size() * 10, Gorilla(counter).size() * 6);
  EXPECT_LT(CompactChunkForStorage(Gorilla(gauge)).size() * 10, Gorilla(gauge).size() * 6);
}

TEST(ChunkPackedTest, ValuesWithoutDecimalFormStayGorilla) {
  std::mt19937_64 rng(3);
  Samples s;
  for (int i = 0; i < 120; ++i) s.AddBits(1000 * (i + 1), rng());
  std::string gorilla = Gorilla(s);
  std::optional<uint64_t> last_bits;
  EXPECT_EQ(CompactChunkForStorage(gorilla, &last_bits), gorilla);
  EXPECT_EQ(last_bits, s.bits.back());
  // A chunk that does not decode is kept as it is, with no last value.
  std::string cut = gorilla.substr(0, gorilla.size() / 2);
  last_bits.reset();
  EXPECT_EQ(CompactChunkForStorage(cut, &last_bits), cut);
  EXPECT_FALSE(last_bits.has_value());
}

TEST(ChunkPackedTest, SeekOnAPackedChunk) {
  Samples s;
  for (int i = 0; i < 50; ++i) s.Add(1000 * (i + 1), i);
  std::string packed = EncodePackedChunk(s.t, s.bits);
  ChunkIterator it(packed);
  ASSERT_TRUE(it.Seek(10'500));
  EXPECT_EQ(it.t(), 11'000);
  EXPECT_EQ(it.v(), 10.0);
  ASSERT_TRUE(it.Seek(5'000));  // never backwards
  EXPECT_EQ(it.t(), 11'000);
  EXPECT_FALSE(it.Seek(50'001));
  EXPECT_TRUE(it.status().ok());
}

TEST(ChunkPackedTest, MalformedChunksAreCorruptionNeverACrash) {
  Samples s;
  for (int i = 0; i < 70; ++i) s.Add(1000 * i + (i % 3), i % 11 == 0 ? 0.1 + 0.2 : i * 0.25);
  std::string packed = EncodePackedChunk(s.t, s.bits);
  std::vector<TimestampMs> t;
  std::vector<uint64_t> bits;
  for (size_t len = 3; len < packed.size(); ++len) {
    Status st = DecodePackedChunk(packed.substr(0, len), &t, &bits);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << "prefix of " << len << " bytes";
    ChunkIterator it(packed.substr(0, len));
    while (it.Next()) {
    }
    EXPECT_FALSE(it.status().ok());
  }
  EXPECT_EQ(DecodePackedChunk(packed + "x", &t, &bits).code(), StatusCode::kCorruption);
  std::string unknown = packed;
  unknown[2] = 9;
  Status st = DecodePackedChunk(unknown, &t, &bits);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("unknown encoding 9"), std::string::npos) << st.ToString();
  // Flipped bytes: decoding never reads out of bounds (the sanitizers watch).
  std::mt19937_64 rng(5);
  for (int k = 0; k < 2000; ++k) {
    std::string bad = packed;
    bad[3 + rng() % (bad.size() - 3)] ^= static_cast<char>(1 + rng() % 255);
    (void)DecodePackedChunk(bad, &t, &bits);
  }
}

std::string Gorilla(const CorpusChunk& c) { return Gorilla(Samples{c.t, c.bits}); }

// FNV-1a over length-prefixed byte strings.
class Digest {
 public:
  void Add(std::string_view bytes) {
    for (int i = 0; i < 8; ++i) Mix(static_cast<uint8_t>(bytes.size() >> (8 * i)));
    for (char c : bytes) Mix(static_cast<uint8_t>(c));
  }
  uint64_t value() const { return h_; }

 private:
  void Mix(uint8_t b) {
    h_ ^= b;
    h_ *= 0x100000001b3ULL;
  }
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

// The stored bytes are the on-disk format: for the corpus they are still
// those of the first packed encoder (these digests were taken with it, at
// 32dfae7, before the flusher reused its buffers), bit for bit, through the
// free functions and through one ChunkCompactor used for every chunk.
TEST(ChunkPackedTest, StoredBytesOfTheCorpusAreUnchanged) {
  constexpr uint64_t kPackedDigest = 0xe838243504d6bee9;
  constexpr uint64_t kStoredDigest = 0x167d581fea783f7f;
  Digest packed;
  Digest stored;
  Digest compactor_packed;
  Digest compactor_stored;
  ChunkCompactor compactor;
  for (const CorpusChunk& c : ChunkCorpus()) {
    std::string gorilla = Gorilla(c);
    packed.Add(EncodePackedChunk(c.t, c.bits));
    stored.Add(CompactChunkForStorage(gorilla));
    compactor_packed.Add(compactor.Encode(c.t.data(), c.bits.data(), c.t.size()));
    compactor_stored.Add(compactor.Compact(gorilla));
  }
  EXPECT_EQ(packed.value(), kPackedDigest);
  EXPECT_EQ(stored.value(), kStoredDigest);
  EXPECT_EQ(compactor_packed.value(), kPackedDigest);
  EXPECT_EQ(compactor_stored.value(), kStoredDigest);
}

// One compactor through chunks of every length, in both orders (its buffers
// shrinking and growing): each result is the free function's, with the
// same last value; packed input (a tombstone rewrite's) and chunks that do
// not decode come back unchanged.
TEST(ChunkPackedTest, AReusedCompactorGivesTheFreeFunctionsBytes) {
  std::vector<CorpusChunk> corpus = ChunkCorpus();
  ChunkCompactor compactor;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t k = 0; k < corpus.size(); ++k) {
      const CorpusChunk& c = corpus[pass == 0 ? k : corpus.size() - 1 - k];
      SCOPED_TRACE("pass " + std::to_string(pass) + ", chunk " + std::to_string(k));
      std::string gorilla = Gorilla(c);
      std::optional<uint64_t> want_last;
      std::optional<uint64_t> got_last;
      std::string want = CompactChunkForStorage(gorilla, &want_last);
      ASSERT_EQ(compactor.Compact(gorilla, &got_last), want);
      ASSERT_EQ(got_last, want_last);
      ASSERT_EQ(got_last, c.bits.back());
      std::string packed = EncodePackedChunk(c.t, c.bits);
      ASSERT_EQ(compactor.Encode(c.t.data(), c.bits.data(), c.t.size()), packed);
      ASSERT_EQ(compactor.Compact(packed), CompactChunkForStorage(packed));
      if (IsEncodedChunk(want)) {
        ASSERT_EQ(compactor.Compact(want), want);
      }
      std::string cut = gorilla.substr(0, gorilla.size() - 1);
      got_last.reset();
      ASSERT_EQ(compactor.Compact(cut, &got_last), cut);
      ASSERT_FALSE(got_last.has_value());
    }
  }
}

}  // namespace
}  // namespace vigil::tsdb
