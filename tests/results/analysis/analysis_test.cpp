#include "results/analysis/analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "core/keys.h"

namespace sweep::results {
namespace {

// A trial with the given values of some keys (the rest at their defaults) and test_acc.
StoredTrial trial(std::uint64_t id, const std::map<std::string, std::string>& values, double test,
                  Status st = Status::kOk) {
  StoredTrial t;
  for (const auto& k : known_keys()) {
    auto it = values.find(k.name);
    t.params.emplace_back(k.name, it == values.end() ? k.default_value : it->second);
  }
  t.result.trial_id = id;
  t.result.status = st;
  t.result.test_acc = test;
  return t;
}

TEST(Analysis, SweptKeysAreTheOnesThatDiffer) {
  std::vector<StoredTrial> v = {trial(1, {{"filters", "8"}, {"batch_size", "64"}}, 0.5),
                                trial(2, {{"filters", "16"}, {"batch_size", "64"}}, 0.6),
                                trial(3, {{"filters", "16"}, {"learning_rate", "0.01"}}, 0.6)};
  const auto keys = swept_keys(v);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], "filters");  // schema order
  EXPECT_EQ(keys[1], "learning_rate");
  EXPECT_TRUE(swept_keys({v[0]}).empty());
}

TEST(Analysis, GroupStatsInNumericOrderWithFailuresCountedButNotRanked) {
  std::vector<StoredTrial> v = {trial(1, {{"learning_rate", "0.01"}}, 0.6),
                                trial(2, {{"learning_rate", "0.001"}}, 0.8),
                                trial(3, {{"learning_rate", "0.001"}}, 0.6),
                                trial(4, {{"learning_rate", "0.1"}}, NAN, Status::kFailed)};
  const auto g = group_stats(v, "learning_rate", "test_acc", true);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].value, "0.001");
  EXPECT_EQ(g[1].value, "0.01");
  EXPECT_EQ(g[2].value, "0.1");
  EXPECT_EQ(g[0].trials, 2u);
  EXPECT_EQ(g[0].ranked, 2u);
  EXPECT_DOUBLE_EQ(g[0].best, 0.8);
  EXPECT_DOUBLE_EQ(g[0].mean, 0.7);
  EXPECT_NEAR(g[0].sd, std::sqrt(0.02), 1e-12);
  EXPECT_EQ(g[1].sd, 0);
  EXPECT_EQ(g[2].trials, 1u);
  EXPECT_EQ(g[2].ranked, 0u);
  EXPECT_TRUE(std::isnan(g[2].best));
  // Lower is better: best is the minimum.
  EXPECT_DOUBLE_EQ(group_stats(v, "learning_rate", "test_acc", false)[0].best, 0.6);
}

TEST(Analysis, GroupStatsOfTextValuesAndStatus) {
  std::vector<StoredTrial> v = {trial(1, {}, 0.5), trial(2, {}, NAN, Status::kFailed)};
  const auto g = group_stats(v, "status", "test_acc", true);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].value, "failed");
  EXPECT_EQ(g[1].value, "ok");
}

TEST(Analysis, ImportanceIsTheShareOfVarianceOfEachMainEffect) {
  // Additive 2x2 grid: filters moves test_acc by +-0.1, learning_rate by +-0.05.
  std::vector<StoredTrial> v;
  std::uint64_t id = 0;
  for (const char* f : {"8", "16"}) {
    for (const char* lr : {"0.001", "0.01"}) {
      const double acc = 0.7 + (f[0] == '8' ? -0.1 : 0.1) + (lr[4] == '1' ? -0.05 : 0.05);
      v.push_back(trial(++id, {{"filters", f}, {"learning_rate", lr}}, acc));
    }
  }
  v.push_back(trial(++id, {{"filters", "32"}}, NAN, Status::kFailed));  // not counted
  const auto imp = importance(v, {"learning_rate", "filters"}, "test_acc");
  ASSERT_EQ(imp.size(), 2u);
  EXPECT_EQ(imp[0].key, "filters");
  EXPECT_NEAR(imp[0].share, 0.8, 1e-9);
  EXPECT_EQ(imp[1].key, "learning_rate");
  EXPECT_NEAR(imp[1].share, 0.2, 1e-9);
}

TEST(Analysis, ImportanceIsZeroWithoutVariance) {
  std::vector<StoredTrial> v = {trial(1, {{"filters", "8"}}, 0.5),
                                trial(2, {{"filters", "16"}}, 0.5)};
  EXPECT_EQ(importance(v, {"filters"}, "test_acc")[0].share, 0);
  EXPECT_EQ(importance({v[0]}, {"filters"}, "test_acc")[0].share, 0);
  EXPECT_EQ(importance({}, {"filters"}, "test_acc")[0].share, 0);
}

}  // namespace
}  // namespace sweep::results
