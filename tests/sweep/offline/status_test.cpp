#include "sweep/offline/status.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

Plan plan_of(const std::string& text) {
  Plan p;
  p.grid = parse_grid_text(text, "g.ini");
  p.trials = expand(p.grid);
  for (std::size_t i = 0; i < p.trials.size(); ++i) p.costs.push_back(1.0 + static_cast<double>(i));
  return p;
}

TEST(Status, DoneFailedMissingPerFileAndShard) {
  Plan p = plan_of("[grid]\nseed = 1, 2, 3, 4\n");
  // Costs 1,2,3,4, longest first: 4 -> shard 0, 3 -> shard 1, 2 -> shard 1 (3 < 4), 1 -> shard 0.
  const std::vector<int> of = assign_shards(p.costs, 2);
  ASSERT_EQ(of, (std::vector<int>{0, 1, 1, 0}));
  auto id = [&](int i) { return p.trials[static_cast<std::size_t>(i)].trial_id; };
  // Shard 2 of 2 (trials 1, 2): trial 1 ok, trial 2 failed. Shard 1 of 2: only trial 3, diverged.
  // A third file retried trial 2 successfully, and holds a trial of another grid.
  std::vector<FileTrials> files = {
      {"a.h5", "2-of-2", {{id(1), Status::kOk}, {id(2), Status::kFailed}}},
      {"b.h5", "1-of-2", {{id(3), Status::kDiverged}}},
      {"c.h5", "", {{id(2), Status::kOk}, {12345, Status::kOk}}},
  };
  GridStatus s = grid_status(p, files);
  EXPECT_EQ(s.total, 4u);
  EXPECT_EQ(s.done, 3u);  // 1, 2 (retried), 3 (diverged is finished)
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.missing, 1u);  // trial 0
  ASSERT_EQ(s.files.size(), 3u);
  EXPECT_EQ(s.files[0].done, 1u);
  EXPECT_EQ(s.files[0].failed, 1u);
  EXPECT_EQ(s.files[0].missing, 0u);  // its shard holds trials 1 and 2
  EXPECT_EQ(s.files[1].missing, 1u);  // shard 1 of 2 lacks trial 0
  EXPECT_EQ(s.files[2].missing, 3u);  // no shard: compared with the whole grid
  EXPECT_EQ(s.files[2].foreign, 1u);
  const std::string text = format_status(s);
  EXPECT_NE(text.find("grid: 4 trials: 3 done, 0 failed, 1 missing"), std::string::npos) << text;
}

TEST(Status, FailedOnlyCountsAsFailed) {
  Plan p = plan_of("[grid]\nseed = 1, 2\n");
  GridStatus s = grid_status(p, {{"a.h5", "", {{p.trials[0].trial_id, Status::kFailed}}}});
  EXPECT_EQ(s.done, 0u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.missing, 1u);
}

}  // namespace
}  // namespace sweep
