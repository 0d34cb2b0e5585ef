#include "vigil/notify/silences.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "process.h"
#include "vigil/base/metrics.h"

namespace vigil::notify {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;
constexpr int64_t kHour = 3'600'000;

model::Matcher M(model::MatchType t, std::string name, std::string value) {
  return *model::Matcher::Make(t, std::move(name), std::move(value));
}

class SilencesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = vigil::testing::MakeTempDir();
    Reopen();
  }
  void Reopen() {
    silences_.reset();
    registry_ = std::make_unique<metrics::Registry>();
    auto s = Silences::Open({.dir = dir_, .clock = &clock_, .registry = registry_.get()});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    silences_ = std::move(*s);
  }
  Silence Make(int64_t starts, int64_t ends) {
    Silence s;
    s.matchers = {M(model::MatchType::kEqual, "alertname", "Down"),
                  M(model::MatchType::kNotEqual, "env", "prod"),
                  M(model::MatchType::kRegexMatch, "instance", "web-.*"),
                  M(model::MatchType::kRegexNoMatch, "team", "db|ops")};
    s.starts_at_ms = starts;
    s.ends_at_ms = ends;
    s.created_by = "alice";
    s.comment = "maintenance";
    return s;
  }

  std::string dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<metrics::Registry> registry_;
  std::unique_ptr<Silences> silences_;
};

TEST_F(SilencesTest, MatchersOfAllFourKinds) {
  auto id = silences_->Set(Make(kStart, kStart + kHour));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto labels = [](std::initializer_list<std::string_view> l) {
    return model::Labels::FromStrings(l);
  };
  EXPECT_EQ(silences_->Mutes(labels({"alertname", "Down", "instance", "web-1"})),
            std::vector<std::string>{*id});
  EXPECT_TRUE(
      silences_->Mutes(labels({"alertname", "Down", "instance", "web-1", "env", "prod"})).empty());
  EXPECT_TRUE(silences_->Mutes(labels({"alertname", "Down", "instance", "db-1"})).empty());
  EXPECT_TRUE(
      silences_->Mutes(labels({"alertname", "Down", "instance", "web-1", "team", "ops"})).empty());
  EXPECT_TRUE(silences_->Mutes(labels({"alertname", "Up", "instance", "web-1"})).empty());
}

TEST_F(SilencesTest, StatesFollowTime) {
  auto id = silences_->Set(Make(kStart + kHour, kStart + 2 * kHour));
  ASSERT_TRUE(id.ok());
  auto state = [&] { return silences_->Get(*id)->StateAt(clock_.Now()); };
  EXPECT_EQ(state(), SilenceState::kPending);
  clock_.Advance(kHour);
  EXPECT_EQ(state(), SilenceState::kActive);
  clock_.Advance(kHour);
  EXPECT_EQ(state(), SilenceState::kExpired);
}

TEST_F(SilencesTest, RefusesInvalidSilences) {
  Silence s = Make(kStart, kStart + kHour);
  s.matchers = {M(model::MatchType::kRegexMatch, "a", ".*")};
  EXPECT_EQ(silences_->Set(s).status().message(),
            "at least one matcher must not match the empty string");
  s = Make(kStart + kHour, kStart);
  EXPECT_EQ(silences_->Set(s).status().message(), "start time must be before end time");
  s = Make(kStart - 2 * kHour, kStart - kHour);
  EXPECT_EQ(silences_->Set(s).status().message(), "end time can't be in the past");
  s = Make(kStart, kStart + kHour);
  s.matchers.clear();
  EXPECT_FALSE(silences_->Set(s).ok());
}

TEST_F(SilencesTest, UpdateInPlaceOrReplace) {
  auto id = silences_->Set(Make(kStart, kStart + kHour));
  ASSERT_TRUE(id.ok());
  Silence longer = *silences_->Get(*id);
  longer.ends_at_ms = kStart + 3 * kHour;
  longer.comment = "longer";
  auto same = silences_->Set(longer);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, *id) << "extending an active silence keeps its id";
  Silence other = longer;
  other.matchers.pop_back();
  auto replaced = silences_->Set(other);
  ASSERT_TRUE(replaced.ok());
  EXPECT_NE(*replaced, *id);
  EXPECT_EQ(silences_->Get(*id)->StateAt(clock_.Now()), SilenceState::kExpired);
  EXPECT_EQ(silences_->List().size(), 2u);
  Silence unknown = other;
  unknown.id = "nope";
  EXPECT_EQ(silences_->Set(unknown).status().code(), StatusCode::kNotFound);
}

TEST_F(SilencesTest, ExpireThenPersistAcrossReopenAndGarbageCollect) {
  auto a = silences_->Set(Make(kStart, kStart + kHour));
  auto b = silences_->Set(Make(kStart, kStart + 2 * kHour));
  ASSERT_TRUE(a.ok() && b.ok());
  clock_.Advance(1000);
  ASSERT_TRUE(silences_->Expire(*a).ok());
  EXPECT_EQ(silences_->Expire(*a).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(silences_->Expire("missing").code(), StatusCode::kNotFound);
  Reopen();
  ASSERT_EQ(silences_->List().size(), 2u);
  Silence restored = *silences_->Get(*b);
  EXPECT_EQ(restored.created_by, "alice");
  EXPECT_EQ(restored.comment, "maintenance");
  ASSERT_EQ(restored.matchers.size(), 4u);
  EXPECT_EQ(restored.matchers[3].ToString(), R"(team!~"db|ops")");
  EXPECT_EQ(silences_->Get(*a)->StateAt(clock_.Now()), SilenceState::kExpired);
  silences_->RefreshMetrics();
  std::string m = registry_->Render();
  EXPECT_NE(m.find(R"(vigil_silences{state="active"} 1)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(vigil_silences{state="expired"} 1)"), std::string::npos) << m;
  // Five days after it expired, a silence is forgotten.
  clock_.Advance(120 * kHour + 1000);
  ASSERT_TRUE(silences_->GarbageCollect().ok());
  EXPECT_FALSE(silences_->Get(*a).ok());
  EXPECT_TRUE(silences_->Get(*b).ok());
  Reopen();
  EXPECT_EQ(silences_->List().size(), 1u);
}

TEST_F(SilencesTest, TornTailIsCutOffOnOpen) {
  auto a = silences_->Set(Make(kStart, kStart + kHour));
  ASSERT_TRUE(a.ok());
  silences_.reset();
  {
    std::ofstream f(dir_ + "/silences", std::ios::app | std::ios::binary);
    f << "\x40\x00\x00\x00garbage";  // a frame header promising more than is there
  }
  Reopen();
  EXPECT_EQ(silences_->List().size(), 1u);
  auto b = silences_->Set(Make(kStart, kStart + kHour));
  ASSERT_TRUE(b.ok());
  Reopen();
  EXPECT_EQ(silences_->List().size(), 2u);
}

TEST(NewUuidTest, LooksLikeAVersion4Uuid) {
  std::string id = NewUuid();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(NewUuid(), id);
}

}  // namespace
}  // namespace vigil::notify
