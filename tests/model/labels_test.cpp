#include "vigil/model/labels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace vigil::model {
namespace {

TEST(Labels, SortedAndLookedUp) {
  Labels l = Labels::FromStrings({"job", "node", "__name__", "up", "instance", "a:1"});
  std::vector<std::string> names;
  for (const Label& x : l) names.emplace_back(x.name);
  EXPECT_EQ(names, (std::vector<std::string>{"__name__", "instance", "job"}));
  EXPECT_EQ(l.Get("job"), "node");
  EXPECT_EQ(l.Get("missing"), "");
  EXPECT_TRUE(l.Has("instance"));
  EXPECT_EQ(l.MetricName(), "up");
  EXPECT_EQ(l.size(), 3u);
}

TEST(Labels, EmptyValuesAreAbsent) {
  Labels l = Labels::FromStrings({"a", "", "b", "1"});
  EXPECT_EQ(l.size(), 1u);
  EXPECT_FALSE(l.Has("a"));
}

TEST(Labels, EqualityAndHash) {
  Labels a = Labels::FromStrings({"a", "1", "b", "2"});
  Labels b = Labels::FromStrings({"b", "2", "a", "1"});
  Labels c = Labels::FromStrings({"a", "1", "b", "3"});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.Hash(), b.Hash());
  EXPECT_NE(a, c);
  EXPECT_NE(a.Hash(), c.Hash());
  // Name/value boundaries are part of the encoding: "ab"="c" is not "a"="bc".
  EXPECT_NE(Labels::FromStrings({"ab", "c"}), Labels::FromStrings({"a", "bc"}));
  EXPECT_NE(Labels::FromStrings({"ab", "c"}).Hash(), Labels::FromStrings({"a", "bc"}).Hash());
}

TEST(Labels, CompareIsPrometheusOrder) {
  std::vector<Labels> v = {
      Labels::FromStrings({"a", "2"}),
      Labels::FromStrings({"a", "1", "b", "1"}),
      Labels::FromStrings({"a", "1"}),
      Labels::FromStrings({"b", "0"}),
  };
  std::sort(v.begin(), v.end());
  EXPECT_EQ(v[0].ToString(), "{a=\"1\"}");
  EXPECT_EQ(v[1].ToString(), "{a=\"1\", b=\"1\"}");
  EXPECT_EQ(v[2].ToString(), "{a=\"2\"}");
  EXPECT_EQ(v[3].ToString(), "{b=\"0\"}");
  EXPECT_EQ(Compare(v[0], v[0]), 0);
}

// Compare starts at the first differing pair; check it against the plain
// pairwise order on label sets that share prefixes, differ inside a length
// varint (values over 127 bytes) or are prefixes of each other.
TEST(Labels, CompareMatchesPairwiseOrder) {
  std::mt19937 rng(3);
  const std::vector<std::string> names = {"__name__", "a", "ab", "b", "job"};
  const std::vector<std::string> values = {"x", "xy", "y", std::string(127, 'v'),
                                           std::string(128, 'v'), std::string(300, 'v')};
  std::vector<std::vector<std::pair<std::string, std::string>>> sets;
  for (int i = 0; i < 300; ++i) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string& name : names) {
      if (rng() % 3 != 0) pairs.emplace_back(name, values[rng() % values.size()]);
    }
    sets.push_back(pairs);
  }
  std::vector<Labels> labels;
  for (const auto& pairs : sets) labels.push_back(Labels::FromPairs(pairs));
  for (size_t i = 0; i < sets.size(); ++i) {
    for (size_t j = 0; j < sets.size(); ++j) {
      int want = sets[i] < sets[j] ? -1 : (sets[j] < sets[i] ? 1 : 0);
      ASSERT_EQ(Compare(labels[i], labels[j]), want)
          << labels[i].ToString() << " vs " << labels[j].ToString();
    }
  }
}

// The sort key orders as Compare on values holding 0x00 and 0xff bytes, on
// prefixes of each other and on label sets that are prefixes of others.
TEST(Labels, SortKeyOrdersAsCompare) {
  std::mt19937 rng(5);
  const std::vector<std::string> names = {"__name__", "a", "ab", "b"};
  const std::vector<std::string> values = {"x", std::string("x\0", 2), std::string("x\0y", 3),
                                           "x\xff", "xy", std::string("\0", 1), "y",
                                           std::string("x\0\0", 3)};
  std::vector<Labels> labels;
  for (int i = 0; i < 300; ++i) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string& name : names) {
      if (rng() % 3 != 0) pairs.emplace_back(name, values[rng() % values.size()]);
    }
    labels.push_back(Labels::FromPairs(pairs));
  }
  std::vector<std::string> keys;
  for (const Labels& l : labels) {
    std::string k;
    AppendSortKey(l, &k);
    keys.push_back(k);
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    for (size_t j = 0; j < labels.size(); ++j) {
      int c = keys[i].compare(keys[j]);
      ASSERT_EQ(c < 0 ? -1 : (c > 0 ? 1 : 0), Compare(labels[i], labels[j]))
          << labels[i].ToString() << " vs " << labels[j].ToString();
    }
  }
}

TEST(Labels, WithoutDropsOnePairAsTheBuilderDoes) {
  const std::string big(300, 'v');  // a multi-byte length before and after
  Labels l = Labels::FromStrings({"__name__", "up", "a", big, "job", "x", "zone", "z"});
  for (std::string_view name : {"__name__", "a", "job", "zone", "absent", "", "zzz"}) {
    LabelsBuilder b(l);
    b.Del(name);
    EXPECT_EQ(l.Without(name), b.Build()) << name;
  }
  EXPECT_EQ(Labels().Without("a"), Labels());
  EXPECT_EQ(Labels::FromStrings({"a", "1"}).Without("a"), Labels());
}

TEST(Labels, ToString) {
  EXPECT_EQ(Labels::FromStrings({"__name__", "up"}).ToString(), "up");
  EXPECT_EQ(Labels::FromStrings({"__name__", "up", "job", "a\"b\\c\nd"}).ToString(),
            "up{job=\"a\\\"b\\\\c\\nd\"}");
  EXPECT_EQ(Labels().ToString(), "{}");
}

TEST(Labels, LongValuesUseMultiByteLengths) {
  std::string big(100000, 'x');
  Labels l = Labels::FromStrings({"a", big, "b", "y"});
  EXPECT_EQ(l.Get("a"), big);
  EXPECT_EQ(l.Get("b"), "y");
}

TEST(LabelsBuilder, SetsAndDeletes) {
  Labels base = Labels::FromStrings({"__name__", "x", "job", "a", "instance", "i"});
  LabelsBuilder b(base);
  b.Set("job", "b").Del("instance").Set("zone", "eu").Set("__name__", "");
  Labels out = b.Build();
  EXPECT_EQ(out, Labels::FromStrings({"job", "b", "zone", "eu"}));
  EXPECT_EQ(b.Get("zone"), "eu");
  EXPECT_EQ(b.Get("instance"), "");
}

TEST(Names, Validity) {
  EXPECT_TRUE(IsValidMetricName("http_requests_total"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m:sum"));
  EXPECT_FALSE(IsValidMetricName("5xx"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("_a1"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("a-b"));
}

}  // namespace
}  // namespace vigil::model
