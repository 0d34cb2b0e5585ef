// Gzip bodies, as targets send them when asked with Accept-Encoding: gzip.
#include <gtest/gtest.h>
#include <zlib.h>

#include "http_scraper.h"

namespace vigil::scrape {
namespace {

std::string Gzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(Gunzip, RoundTripsLargeBodies) {
  std::string body;
  for (int i = 0; i < 20000; ++i) body += "metric{i=\"" + std::to_string(i) + "\"} 1\n";
  auto out = Gunzip(Gzip(body), 0);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, body);
}

TEST(Gunzip, LimitAppliesToTheDecodedSize) {
  std::string body(100000, 'a');  // compresses to a few hundred bytes
  auto out = Gunzip(Gzip(body), 50000);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "body size limit exceeded");
}

TEST(Gunzip, RejectsCorruptAndTruncatedInput) {
  EXPECT_FALSE(Gunzip("not gzip at all", 0).ok());
  std::string z = Gzip(std::string(10000, 'x'));
  EXPECT_FALSE(Gunzip(z.substr(0, z.size() / 2), 0).ok());
}

TEST(SplitHostPort, HandlesIpv6) {
  EXPECT_EQ(SplitHostPort("[::1]:9090"), std::make_pair(std::string("::1"), std::string("9090")));
  EXPECT_EQ(SplitHostPort("host:80"), std::make_pair(std::string("host"), std::string("80")));
}

}  // namespace
}  // namespace vigil::scrape
