// DecodeGorillaChunk against ChunkIterator, the reference reader of the
// Gorilla format: the same samples for every chunk of the corpus, and the
// same verdict (and samples) for every truncation and for flipped bytes.
#include "gorilla_decode.h"

#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <string>
#include <vector>

#include "chunk.h"
#include "chunk_corpus.h"
#include "chunk_packed.h"

namespace vigil::tsdb {
namespace {

std::string Gorilla(const CorpusChunk& c) {
  ChunkEncoder enc;
  for (size_t i = 0; i < c.t.size(); ++i) enc.Append(c.t[i], std::bit_cast<double>(c.bits[i]));
  return std::string(enc.bytes());
}

struct Decoded {
  bool ok = false;
  std::vector<TimestampMs> t;
  std::vector<uint64_t> bits;
};

Decoded WithIterator(std::string_view chunk) {
  Decoded d;
  ChunkIterator it(chunk);
  while (it.Next()) {
    d.t.push_back(it.t());
    d.bits.push_back(std::bit_cast<uint64_t>(it.v()));
  }
  d.ok = it.status().ok();
  return d;
}

// Both readers agree on `chunk`: both fail, or both give the same samples.
void ExpectSameAsIterator(std::string_view chunk) {
  ASSERT_FALSE(IsEncodedChunk(chunk));
  Decoded want = WithIterator(chunk);
  Decoded got;
  got.ok = DecodeGorillaChunk(chunk, &got.t, &got.bits);
  ASSERT_EQ(got.ok, want.ok);
  if (!want.ok) return;
  ASSERT_EQ(got.t, want.t);
  ASSERT_EQ(got.bits, want.bits);
}

TEST(GorillaDecodeTest, CorpusChunksDecodeToTheirSamples) {
  std::vector<TimestampMs> t;
  std::vector<uint64_t> bits;
  int n = 0;
  for (const CorpusChunk& c : ChunkCorpus()) {
    SCOPED_TRACE("chunk " + std::to_string(n++));
    std::string gorilla = Gorilla(c);
    ASSERT_TRUE(DecodeGorillaChunk(gorilla, &t, &bits));
    ASSERT_EQ(t, c.t);
    ASSERT_EQ(bits, c.bits);
    ExpectSameAsIterator(gorilla);
  }
}

TEST(GorillaDecodeTest, EveryTruncationGetsTheIteratorsVerdict) {
  std::vector<CorpusChunk> corpus = ChunkCorpus();
  for (size_t k = 0; k < corpus.size(); k += 37) {
    std::string gorilla = Gorilla(corpus[k]);
    // Every length near either end (the cursor's word reads meet the end
    // there), every 17th in between.
    const size_t size = gorilla.size();
    for (size_t len = 0; len < size; len += (len < 64 || len + 64 > size) ? 1 : 17) {
      SCOPED_TRACE("chunk " + std::to_string(k) + ", " + std::to_string(len) + " bytes");
      ExpectSameAsIterator(gorilla.substr(0, len));
    }
  }
}

TEST(GorillaDecodeTest, FlippedBytesGetTheIteratorsVerdict) {
  std::vector<CorpusChunk> corpus = ChunkCorpus();
  std::mt19937_64 rng(17);
  for (int round = 0; round < 20000; ++round) {
    std::string bad = Gorilla(corpus[rng() % corpus.size()]);
    for (int flips = 1 + static_cast<int>(rng() % 3); flips > 0; --flips) {
      bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    if (IsEncodedChunk(bad)) continue;  // read as the packed encoding instead
    SCOPED_TRACE("round " + std::to_string(round));
    ExpectSameAsIterator(bad);
  }
}

TEST(GorillaDecodeTest, ShortAndEmptyChunks) {
  std::vector<TimestampMs> t = {1};
  std::vector<uint64_t> bits = {1};
  EXPECT_FALSE(DecodeGorillaChunk("", &t, &bits));
  EXPECT_FALSE(DecodeGorillaChunk(std::string_view("\0", 1), &t, &bits));
  ASSERT_TRUE(DecodeGorillaChunk(std::string_view("\0\0", 2), &t, &bits));
  EXPECT_TRUE(t.empty());
  EXPECT_TRUE(bits.empty());
  // A count of one with its 16 bytes cut short.
  EXPECT_FALSE(DecodeGorillaChunk(std::string("\0\1", 2) + std::string(15, 'x'), &t, &bits));
  ASSERT_TRUE(DecodeGorillaChunk(std::string("\0\1", 2) + std::string(16, '\0'), &t, &bits));
  EXPECT_EQ(t, std::vector<TimestampMs>{0});
  EXPECT_EQ(bits, std::vector<uint64_t>{0});
}

}  // namespace
}  // namespace vigil::tsdb
