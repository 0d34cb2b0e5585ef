// Unit tests of the engine's tricky semantics and limits.
#include "vigil/promql/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <set>

#include "engine_test_util.h"
#include "vigil/model/value.h"

namespace vigil::promql {
namespace {

using model::Labels;

class EngineTest : public ::testing::Test {
 protected:
  void Add(const Labels& l, std::vector<std::pair<int64_t, double>> samples) {
    auto app = storage_.NewAppender();
    for (auto [t, v] : samples) ASSERT_TRUE(app->Append(0, l, t, v).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  Vector InstantVector(std::string_view q, int64_t t) {
    auto r = engine_.Instant(storage_, q, t);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    EXPECT_TRUE(std::holds_alternative<Vector>(r->value));
    return std::get<Vector>(r->value);
  }
  Status InstantError(std::string_view q, int64_t t) {
    auto r = engine_.Instant(storage_, q, t);
    EXPECT_FALSE(r.ok()) << q;
    return r.status();
  }

  testing::MemoryStorage storage_;
  Engine engine_;
};

TEST_F(EngineTest, LookbackIncludesExactlyFiveMinutes) {
  Add(Labels::FromStrings({"__name__", "m"}), {{0, 1}});
  EXPECT_EQ(InstantVector("m", 300'000).size(), 1u);
  EXPECT_TRUE(InstantVector("m", 300'001).empty());
}

TEST_F(EngineTest, StalenessMarkerEndsSeries) {
  Add(Labels::FromStrings({"__name__", "m"}), {{0, 1}, {10'000, model::StaleNaN()}});
  EXPECT_EQ(InstantVector("m", 5'000).size(), 1u);
  EXPECT_TRUE(InstantVector("m", 10'000).empty());
  EXPECT_TRUE(InstantVector("m", 60'000).empty());
  // The marker is not a sample of a range either.
  Vector c = InstantVector("count_over_time(m[1m])", 60'000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].v, 1);
}

TEST_F(EngineTest, RateExtrapolatesAsPrometheus) {
  // 0, 10, ..., 100 every 30s: increase over [0, 5m] is 100 exactly.
  std::vector<std::pair<int64_t, double>> s;
  for (int i = 0; i <= 10; ++i) s.push_back({i * 30'000, i * 10.0});
  Add(Labels::FromStrings({"__name__", "c"}), s);
  Vector v = InstantVector("increase(c[5m])", 300'000);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_DOUBLE_EQ(v[0].v, 100);
  EXPECT_TRUE(v[0].labels.empty());  // the name is dropped
  // Window (60s, 300s]: 9 samples from 60s to 300s; the zero point limits
  // extrapolation to the left.
  v = InstantVector("rate(c[4m])", 300'000);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NEAR(v[0].v, 80.0 / 240 * (240.0 + 0) / 240, 1e-9);
}

TEST_F(EngineTest, ManyToManyMatchingIsAnError) {
  Add(Labels::FromStrings({"__name__", "a", "x", "1", "y", "1"}), {{0, 1}});
  Add(Labels::FromStrings({"__name__", "a", "x", "1", "y", "2"}), {{0, 1}});
  Add(Labels::FromStrings({"__name__", "b", "x", "1", "y", "1"}), {{0, 1}});
  Add(Labels::FromStrings({"__name__", "b", "x", "1", "y", "2"}), {{0, 1}});
  Status s = InstantError("a + on(x) b", 0);
  EXPECT_NE(s.message().find("many-to-many matching not allowed"), std::string::npos)
      << s.message();
  EXPECT_EQ(ErrorTypeOf(s), ErrorType::kExecution);
  EXPECT_EQ(InstantVector("a + b", 0).size(), 2u);
}

TEST_F(EngineTest, SameLabelsetAfterNameDropIsAnError) {
  Add(Labels::FromStrings({"__name__", "a"}), {{0, 1}});
  Add(Labels::FromStrings({"__name__", "b"}), {{0, 2}});
  Status s = InstantError("-{__name__=~\"a|b\"}", 0);
  EXPECT_EQ(s.message(), "vector cannot contain metrics with the same labelset");
  // last_over_time keeps the name, so no collision.
  EXPECT_EQ(InstantVector("last_over_time({__name__=~\"a|b\"}[1m])", 0).size(), 2u);
}

TEST_F(EngineTest, MaxSamplesLimit) {
  std::vector<std::pair<int64_t, double>> s;
  for (int i = 0; i < 100; ++i) s.push_back({i * 1000, 1});
  Add(Labels::FromStrings({"__name__", "m"}), s);
  EngineOptions o;
  o.max_samples = 50;
  Engine small(o);
  auto r = small.Instant(storage_, "sum_over_time(m[100s])", 99'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), kTooManySamples);
  EXPECT_EQ(ErrorTypeOf(r.status()), ErrorType::kExecution);
  EXPECT_TRUE(small.Instant(storage_, "sum_over_time(m[10s])", 99'000).ok());
}

TEST_F(EngineTest, CancelledQueryStops) {
  Add(Labels::FromStrings({"__name__", "m"}), {{0, 1}});
  std::atomic<bool> cancel{true};
  QueryOptions qo;
  qo.cancel = &cancel;
  auto r = engine_.Instant(storage_, "m", 0, qo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ErrorTypeOf(r.status()), ErrorType::kCanceled);
}

TEST_F(EngineTest, ParseAndTypeErrorsAreBadData) {
  auto r = engine_.Instant(storage_, "sum(", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ErrorTypeOf(r.status()), ErrorType::kBadData);
  auto r2 = engine_.Range(storage_, "m[5m]", 0, 60'000, std::chrono::seconds(15));
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().message(),
            "invalid expression type \"range vector\" for range query, must be Scalar or "
            "instant Vector");
  EXPECT_EQ(ErrorTypeOf(r2.status()), ErrorType::kBadData);
}

TEST_F(EngineTest, RangeQueryMatchesInstantAtEveryStep) {
  for (int i = 0; i < 5; ++i) {
    std::vector<std::pair<int64_t, double>> s;
    for (int j = 0; j < 120; ++j) s.push_back({j * 15'000, double(j * (i + 1) % 37)});
    Add(Labels::FromStrings({"__name__", "m", "i", std::to_string(i), "j", std::to_string(i % 2)}),
        s);
  }
  const char* queries[] = {
      "m",
      "rate(m[2m])",
      "sum by (j) (m)",
      "topk(2, m)",
      "max_over_time(m[3m:30s])",
      "m offset 1m > bool 10",
      "avg_over_time(m[1m] @ 600)",
      "histogram_quantile(0.5, label_replace(m, \"le\", \"$1\", \"i\", \"(.*)\"))",
      "deriv(m[5m]) + on(i) group_left m",
      "avg by (j) (m)",
      "stddev without (i) (m)",
      "count(m > 10)",
      "min by (j) (m) * 2",
      "10 < m",
      "m - 1 > bool 2",
      "group by (j) (max_over_time(sum by (i) (m)[2m:15s]))",
  };
  for (const char* q : queries) {
    SCOPED_TRACE(q);
    auto range = engine_.Range(storage_, q, 300'000, 1'500'000, std::chrono::seconds(60));
    ASSERT_TRUE(range.ok()) << range.status().ToString();
    const Matrix& m = std::get<Matrix>(range->value);
    for (int64_t t = 300'000; t <= 1'500'000; t += 60'000) {
      Vector inst = InstantVector(q, t);
      size_t found = 0;
      for (const Series& s : m) {
        for (const Point& p : s.points) {
          if (p.t != t) continue;
          ++found;
          bool matched = false;
          for (const Sample& is : inst) {
            if (is.labels == s.labels) {
              matched = true;
              EXPECT_TRUE(is.v == p.v || (std::isnan(is.v) && std::isnan(p.v)));
            }
          }
          EXPECT_TRUE(matched) << s.labels.ToString() << " at " << t;
        }
      }
      EXPECT_EQ(found, inst.size()) << t;
    }
  }
}

// The folding aggregations run over all steps at once; an instant result
// keeps the groups in order of first appearance (series sorted by labels).
TEST_F(EngineTest, FoldingAggregationKeepsFirstAppearanceOrder) {
  Add(Labels::FromStrings({"__name__", "m", "a", "1", "g", "b"}), {{0, 1}});
  Add(Labels::FromStrings({"__name__", "m", "a", "2", "g", "a"}), {{0, 2}});
  Add(Labels::FromStrings({"__name__", "m", "a", "3", "g", "b"}), {{0, 4}});
  Vector v = InstantVector("sum by (g) (m)", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels.ToString(), "{g=\"b\"}");
  EXPECT_EQ(v[0].v, 5);
  EXPECT_EQ(v[1].labels.ToString(), "{g=\"a\"}");
  EXPECT_EQ(v[1].v, 2);
  // Over steps, a group comes first when it has a value at an earlier step,
  // as a subquery (whose order an instant result keeps) shows.
  Add(Labels::FromStrings({"__name__", "n", "a", "1", "g", "late"}), {{60'000, 1}});
  Add(Labels::FromStrings({"__name__", "n", "a", "2", "g", "early"}), {{0, 2}, {60'000, 2}});
  v = InstantVector("last_over_time(sum by (g) (n)[1m:30s])", 60'000);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels.ToString(), "{g=\"early\"}");
  EXPECT_EQ(v[1].labels.ToString(), "{g=\"late\"}");
}

// Many groups over many steps are folded a block of steps at a time; the
// result must not depend on where the blocks fall.
TEST_F(EngineTest, FoldingAggregationOverManyGroupsAndSteps) {
  for (int i = 0; i < 1000; ++i) {
    std::vector<std::pair<int64_t, double>> s;
    for (int j = 0; j < 20; ++j) s.push_back({(i % 50 + j * 49) * 1000, double(i * 100 + j)});
    Add(Labels::FromStrings({"__name__", "m", "i", std::to_string(i)}), s);
  }
  EngineOptions o;
  o.lookback_delta = std::chrono::milliseconds(1);  // a value only at a sample's own step
  Engine engine(o);
  auto sums = engine.Range(storage_, "sum by (i) (m)", 0, 999'000, std::chrono::seconds(1));
  auto plain = engine.Range(storage_, "m", 0, 999'000, std::chrono::seconds(1));
  ASSERT_TRUE(sums.ok() && plain.ok());
  const Matrix& got = std::get<Matrix>(sums->value);
  const Matrix& want = std::get<Matrix>(plain->value);
  ASSERT_EQ(got.size(), 1000u);
  ASSERT_EQ(want.size(), 1000u);
  for (size_t k = 0; k < got.size(); ++k) {
    ASSERT_EQ(got[k].labels.Get("i"), want[k].labels.Get("i"));
    ASSERT_EQ(got[k].points.size(), want[k].points.size()) << got[k].labels.ToString();
    for (size_t p = 0; p < got[k].points.size(); ++p) {
      EXPECT_EQ(got[k].points[p].t, want[k].points[p].t);
      EXPECT_EQ(got[k].points[p].v, want[k].points[p].v);
    }
  }
}

// vector op scalar runs series by series; when dropping the name makes two
// series equal, their points merge across steps and collide within one.
TEST_F(EngineTest, VectorScalarNameDropMergesOrCollides) {
  Add(Labels::FromStrings({"__name__", "a", "x", "1"}), {{0, 1}});
  Add(Labels::FromStrings({"__name__", "b", "x", "1"}), {{600'000, 2}});
  auto r = engine_.Range(storage_, "{__name__=~\"a|b\"} * 2", 0, 600'000,
                         std::chrono::seconds(300));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].labels.ToString(), "{x=\"1\"}");
  ASSERT_EQ(m[0].points.size(), 3u);
  EXPECT_EQ(m[0].points[0].v, 2);
  EXPECT_EQ(m[0].points[1].v, 2);
  EXPECT_EQ(m[0].points[2].v, 4);
  Add(Labels::FromStrings({"__name__", "c", "x", "1"}), {{300'000, 3}});
  r = engine_.Range(storage_, "{__name__=~\"a|c\"} * 2", 0, 600'000, std::chrono::seconds(300));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "vector cannot contain metrics with the same labelset");
  // A comparison keeps the name: no collision.
  r = engine_.Range(storage_, "{__name__=~\"a|b\"} > 0", 0, 600'000, std::chrono::seconds(300));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<Matrix>(r->value).size(), 2u);
}

TEST_F(EngineTest, SubqueryStepsAlignToMultiplesOfTheStep) {
  std::vector<std::pair<int64_t, double>> s;
  for (int j = 0; j <= 20; ++j) s.push_back({j * 10'000, double(j)});
  Add(Labels::FromStrings({"__name__", "m"}), s);
  // Evaluated at 0, 60s, 120s within [135s-150s, 135s] = [-15s, 135s].
  auto r = engine_.Instant(storage_, "m[150s:60s]", 135'000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(m[0].points.size(), 3u);
  EXPECT_EQ(m[0].points[0].t, 0);
  EXPECT_EQ(m[0].points[2].t, 120'000);
  EXPECT_EQ(m[0].points[2].v, 12);
}

TEST_F(EngineTest, TopkOrdersDescendingAndKeepsNames) {
  for (int i = 0; i < 4; ++i) {
    Add(Labels::FromStrings({"__name__", "m", "i", std::to_string(i)}), {{0, double(i)}});
  }
  Vector v = InstantVector("topk(3, m)", 0);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].v, 3);
  EXPECT_EQ(v[2].v, 1);
  EXPECT_EQ(v[0].labels.MetricName(), "m");
  v = InstantVector("bottomk(1, m)", 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].v, 0);
}

TEST_F(EngineTest, CountValuesFormatsLikeGo) {
  Add(Labels::FromStrings({"__name__", "m", "i", "1"}), {{0, 1e21}});
  Add(Labels::FromStrings({"__name__", "m", "i", "2"}), {{0, 0.5}});
  Vector v = InstantVector("count_values(\"val\", m)", 0);
  ASSERT_EQ(v.size(), 2u);
  std::set<std::string> vals;
  for (const Sample& s : v) vals.insert(std::string(s.labels.Get("val")));
  EXPECT_TRUE(vals.count("1000000000000000000000"));
  EXPECT_TRUE(vals.count("0.5"));
}

TEST_F(EngineTest, HistogramQuantileFixesNonMonotonicBuckets) {
  auto b = [&](const char* le, double v) {
    Add(Labels::FromStrings({"__name__", "h_bucket", "le", le}), {{0, v}});
  };
  b("1", 10);
  b("2", 8);  // lower than the previous bucket: raised to 10
  b("4", 20);
  b("+Inf", 20);
  Vector v = InstantVector("histogram_quantile(0.5, h_bucket)", 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_DOUBLE_EQ(v[0].v, 1);
  EXPECT_TRUE(v[0].labels.empty());
  v = InstantVector("histogram_quantile(0.75, h_bucket)", 0);
  EXPECT_DOUBLE_EQ(v[0].v, 2 + 2 * 0.5);
}

TEST_F(EngineTest, LabelReplaceChecksItsArguments) {
  Add(Labels::FromStrings({"__name__", "m", "src", "a-b"}), {{0, 1}});
  Vector v = InstantVector("label_replace(m, \"dst\", \"$2.$1\", \"src\", \"(.*)-(.*)\")", 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels.Get("dst"), "b.a");
  EXPECT_EQ(v[0].labels.MetricName(), "m");
  EXPECT_EQ(InstantError("label_replace(m, \"dst\", \"\", \"src\", \"(.*\")", 0).message(),
            "invalid regular expression in label_replace(): (.*");
  EXPECT_EQ(InstantError("label_replace(m, \"1x\", \"\", \"src\", \"\")", 0).message(),
            "invalid destination label name in label_replace(): 1x");
}

TEST_F(EngineTest, AtModifierAndOffset) {
  std::vector<std::pair<int64_t, double>> s;
  for (int j = 0; j <= 100; ++j) s.push_back({j * 10'000, double(j)});
  Add(Labels::FromStrings({"__name__", "m"}), s);
  EXPECT_EQ(InstantVector("m @ 100", 900'000)[0].v, 10);
  EXPECT_EQ(InstantVector("m @ 100 offset 50s", 900'000)[0].v, 5);
  EXPECT_EQ(InstantVector("m offset -10s", 100'000)[0].v, 11);
  auto r = engine_.Range(storage_, "m @ start()", 100'000, 200'000, std::chrono::seconds(50));
  ASSERT_TRUE(r.ok());
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  for (const Point& p : m[0].points) EXPECT_EQ(p.v, 10);
  EXPECT_EQ(m[0].points.size(), 3u);
}

TEST_F(EngineTest, ScalarAndStringResults) {
  auto r = engine_.Instant(storage_, "1 + 2 * 3", 5000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Scalar>(r->value).v, 7);
  EXPECT_EQ(std::get<Scalar>(r->value).t, 5000);
  r = engine_.Instant(storage_, "\"hello\"", 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<String>(r->value).v, "hello");
  r = engine_.Instant(storage_, "time()", 5000);
  EXPECT_EQ(std::get<Scalar>(r->value).v, 5);
}

}  // namespace
}  // namespace vigil::promql
