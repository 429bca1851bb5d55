#include "sweep/search/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sweep/grid/grid.h"

namespace sweep {
namespace {

worker::DataInfo mnist_like() {
  worker::DataInfo d;
  d.train_count = 10000;
  d.test_count = 1000;
  d.rows = d.cols = 28;
  return d;
}

TEST(Scheduler, CostGrowsWithWorkAndModelSize) {
  auto trials = expand(parse_grid_text("[grid]\nfilters = 8, 32\nepochs = 1, 4\n", "g.ini"));
  // Order: (8,1) (8,4) (32,1) (32,4).
  std::vector<double> c;
  for (const auto& t : trials) c.push_back(estimate_cost(t, mnist_like()));
  EXPECT_GT(c[1], 3 * c[0]);
  EXPECT_GT(c[2], 4 * c[0]);
  EXPECT_GT(c[3], c[2]);
  EXPECT_EQ(longest_first(c), (std::vector<std::size_t>{3, 2, 1, 0}));
}

TEST(Scheduler, SmallBatchesCostMore) {
  auto trials = expand(parse_grid_text("[grid]\nbatch_size = 16, 256\n", "g.ini"));
  EXPECT_GT(estimate_cost(trials[0], mnist_like()), estimate_cost(trials[1], mnist_like()));
}

TEST(Scheduler, PendingSkipsDoneAndKeepsTiesInOrder) {
  auto trials = expand(parse_grid_text("[grid]\nseed = 1, 2, 3, 4\n", "g.ini"));
  std::vector<double> costs = {1, 5, 1, 5};
  EXPECT_EQ(pending_order(trials.ids(), costs, {}), (std::vector<std::size_t>{1, 3, 0, 2}));
  std::vector<std::uint64_t> done = {trials[3].trial_id, trials[0].trial_id};
  std::sort(done.begin(), done.end());
  EXPECT_EQ(pending_order(trials.ids(), costs, done), (std::vector<std::size_t>{1, 2}));
}

}  // namespace
}  // namespace sweep
