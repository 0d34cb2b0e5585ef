#include "outbox.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "notification_log.h"
#include "process.h"

namespace vigil::notify {
namespace {

OutboxEntry Entry(const std::string& key, const std::string& id) {
  OutboxEntry e;
  e.key = key;
  e.id = id;
  e.receiver = "team";
  e.integration = "webhook";
  e.notification.receiver = "team";
  e.notification.group_key = R"({}:{alertname="A"})";
  Alert a;
  a.labels = model::Labels::FromStrings({"alertname", "A"});
  a.annotations = model::Labels::FromStrings({"summary", "quoted \"text\""});
  a.starts_at_ms = 1000;
  e.notification.alerts.push_back(a);
  e.firing = {a.labels.Hash()};
  e.created_ms = 5;
  e.expires_ms = 10;
  return e;
}

TEST(OutboxTest, ReplacesByKeyCompactsAndReplays) {
  std::string path = vigil::testing::MakeTempDir() + "/outbox";
  {
    auto outbox = Outbox::Open(path);
    ASSERT_TRUE(outbox.ok()) << outbox.status().ToString();
    for (int i = 0; i < 200; ++i) ASSERT_TRUE((*outbox)->Put(Entry("k", std::to_string(i))).ok());
    ASSERT_TRUE((*outbox)->Put(Entry("other", "x")).ok());
    ASSERT_TRUE((*outbox)->Remove("other", "stale-version").ok());
    EXPECT_EQ((*outbox)->entries().size(), 2u);
  }
  EXPECT_LT(std::filesystem::file_size(path), 100u * 400u) << "never compacted";
  auto outbox = Outbox::Open(path);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ((*outbox)->entries().size(), 2u);
  const OutboxEntry* e = (*outbox)->Find("k");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->id, "199");
  ASSERT_EQ(e->notification.alerts.size(), 1u);
  EXPECT_EQ(e->notification.alerts[0].annotations.Get("summary"), "quoted \"text\"");
  EXPECT_EQ(e->notification.group_key, R"({}:{alertname="A"})");
  EXPECT_EQ(e->firing, Entry("k", "").firing);
  ASSERT_TRUE((*outbox)->Remove("k", "199").ok());
  ASSERT_TRUE((*outbox)->Remove("other", "x").ok());
  outbox = Outbox::Open(path);
  ASSERT_TRUE(outbox.ok());
  EXPECT_TRUE((*outbox)->entries().empty());
}

TEST(NeedsUpdateTest, AlertmanagerDedupRules) {
  const int64_t repeat = 1000;
  NflogEntry e{{1, 2}, {3}, 100, 0};
  EXPECT_FALSE(NeedsUpdate(nullptr, {}, {3}, true, repeat, 200)) << "nothing fires";
  EXPECT_TRUE(NeedsUpdate(nullptr, {1}, {}, false, repeat, 200));
  EXPECT_FALSE(NeedsUpdate(&e, {1, 2}, {3}, true, repeat, 200)) << "unchanged";
  EXPECT_FALSE(NeedsUpdate(&e, {1}, {2, 3}, false, repeat, 200))
      << "one resolved, integration does not send resolved";
  EXPECT_TRUE(NeedsUpdate(&e, {1}, {2, 3}, true, repeat, 200)) << "new resolved alert";
  EXPECT_TRUE(NeedsUpdate(&e, {1, 2, 4}, {}, false, repeat, 200)) << "new firing alert";
  EXPECT_TRUE(NeedsUpdate(&e, {}, {1, 2, 3}, false, repeat, 200)) << "all resolved";
  EXPECT_TRUE(NeedsUpdate(&e, {1, 2}, {3}, true, repeat, 1101)) << "repeat_interval passed";
}

}  // namespace
}  // namespace vigil::notify
