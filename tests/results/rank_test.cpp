#include "results/rank.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/keys.h"

namespace sweep::results {
namespace {

StoredTrial trial(std::uint64_t id, const std::string& filters, double val, double test,
                  Status st = Status::kOk) {
  StoredTrial t;
  for (const auto& k : known_keys())
    t.params.emplace_back(k.name, k.name == "filters" ? filters : k.default_value);
  t.result.trial_id = id;
  t.result.status = st;
  t.result.val_acc = val;
  t.result.test_acc = test;
  t.result.epochs_run = 1;
  return t;
}

TEST(Rank, BestFirstShowsVariedKeysAndCountsFailures) {
  std::vector<StoredTrial> v = {trial(1, "8", 0.7, 0.6), trial(2, "16", 0.9, 0.8),
                                trial(3, "32", 0.8, 0.95), trial(4, "64", 0, 0, Status::kFailed)};
  std::string t = rank_table(v, RankOptions{});
  EXPECT_NE(t.find("ranked by test_acc (higher is better): 3 of 4 trials"), std::string::npos) << t;
  EXPECT_NE(t.find("filters"), std::string::npos);
  EXPECT_EQ(t.find("batch_size"), std::string::npos);  // same for all: no column
  EXPECT_LT(t.find("0000000000000003"), t.find("0000000000000002"));
  EXPECT_LT(t.find("0000000000000002"), t.find("0000000000000001"));
  EXPECT_EQ(t.find("0000000000000004"), std::string::npos);
  EXPECT_NE(t.find("1 failed, 0 diverged (not ranked)"), std::string::npos);
}

TEST(Rank, ByValAccTopOneAndUnknownMetric) {
  std::vector<StoredTrial> v = {trial(1, "8", 0.7, 0.6), trial(2, "16", 0.9, 0.8),
                                trial(3, "32", 0.8, 0.95)};
  RankOptions o;
  o.by = "val_acc";
  o.top = 1;
  std::string t = rank_table(v, o);
  EXPECT_NE(t.find("0000000000000002"), std::string::npos);
  EXPECT_EQ(t.find("0000000000000003"), std::string::npos);
  o.by = "speed";
  EXPECT_THROW(rank_table(v, o), UsageError);
}

}  // namespace
}  // namespace sweep::results
