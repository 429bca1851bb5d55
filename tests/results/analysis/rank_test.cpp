#include "results/analysis/rank.h"

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

TEST(Rank, ChosenOnValidationByDefaultShowsVariedKeysAndCountsFailures) {
  std::vector<StoredTrial> v = {trial(1, "8", 0.7, 0.6), trial(2, "16", 0.9, 0.8),
                                trial(3, "32", 0.8, 0.95), trial(4, "64", 0, 0, Status::kFailed)};
  std::string t = rank_table(v, RankOptions{});
  EXPECT_NE(t.find("ranked by val_acc (higher is better): 3 of 4 trials"), std::string::npos) << t;
  EXPECT_NE(t.find("filters"), std::string::npos);
  EXPECT_EQ(t.find("batch_size"), std::string::npos);  // same for all: no column
  // Trial 3 has the best test accuracy, but validation chooses trial 2.
  EXPECT_LT(t.find("0000000000000002"), t.find("0000000000000003"));
  EXPECT_LT(t.find("0000000000000003"), t.find("0000000000000001"));
  EXPECT_EQ(t.find("0000000000000004"), std::string::npos);
  EXPECT_NE(t.find("1 failed, 0 diverged (not ranked)"), std::string::npos);
  EXPECT_NE(t.find("chosen on validation (val_acc); test_acc is the held-out estimate"),
            std::string::npos)
      << t;
}

TEST(Rank, ByTestAccSaysItSelectsOnTheTestSet) {
  std::vector<StoredTrial> v = {trial(1, "8", 0.7, 0.6), trial(2, "16", 0.9, 0.8),
                                trial(3, "32", 0.8, 0.95)};
  RankOptions o;
  o.by = "test_acc";
  const std::string t = rank_table(v, o);
  EXPECT_LT(t.find("0000000000000003"), t.find("0000000000000002"));
  EXPECT_NE(t.find("trials are chosen on the test set"), std::string::npos) << t;
  EXPECT_NE(t.find("rank by val_acc (the default)"), std::string::npos) << t;
}

TEST(Rank, WithoutValidationTheTestSetRanksAndSaysSo) {
  std::vector<StoredTrial> v = {trial(1, "8", TrialResult::kNaN, 0.6),
                                trial(2, "16", TrialResult::kNaN, 0.8)};
  const std::string t = rank_table(v, RankOptions{});
  EXPECT_NE(t.find("ranked by test_acc (higher is better): 2 of 2 trials"), std::string::npos) << t;
  EXPECT_NE(t.find("no trial has a validation split; set val_split"), std::string::npos) << t;
  EXPECT_TRUE(selects_on_test(v, "macro_f1") == false);  // no trial evaluated on a test set
  v[0].result.eval_split = "test";
  EXPECT_TRUE(selects_on_test(v, "macro_f1"));
  EXPECT_FALSE(selects_on_test(v, "val_loss"));
}

TEST(Rank, TiesGoToTheSmallerTrialId) {
  std::vector<StoredTrial> v = {trial(2, "8", 0.9, 0.6), trial(1, "16", 0.9, 0.8)};
  const std::string t = rank_table(v, RankOptions{});
  EXPECT_LT(t.find("0000000000000001"), t.find("0000000000000002")) << t;
  EXPECT_TRUE(ranks_before(v[1].result, v[0].result, "val_acc", true));
  EXPECT_TRUE(ranks_before(v[0].result, v[1].result, "test_acc", false));
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
