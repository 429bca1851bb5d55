#include "sweep/mpi/poll_ceiling.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(PollCeiling, TenMillisecondsBeforeAnyJobEnds) {
  EXPECT_EQ(PollCeiling().ceiling_us(), PollCeiling::kFirstUs);
}

TEST(PollCeiling, AHundredthOfATypicalJobWithinBounds) {
  PollCeiling c;
  c.observe(0.5);  // 5 ms
  EXPECT_EQ(c.ceiling_us(), 5000);
  PollCeiling shortest;
  shortest.observe(0.0001);  // no-op trials: as short as allowed
  EXPECT_EQ(shortest.ceiling_us(), PollCeiling::kMinUs);
  PollCeiling longest;
  longest.observe(600);  // real training: rank 0 sleeps as long as allowed
  EXPECT_EQ(longest.ceiling_us(), PollCeiling::kMaxUs);
}

TEST(PollCeiling, FollowsTheJobsAndIgnoresNonsense) {
  PollCeiling c;
  c.observe(0.1);
  for (int i = 0; i < 50; ++i) c.observe(0.5);
  EXPECT_NEAR(c.ceiling_us(), 5000, 5);
  c.observe(-1);
  c.observe(0.0 / 0.0);
  EXPECT_NEAR(c.ceiling_us(), 5000, 5);
}

}  // namespace
}  // namespace sweep
