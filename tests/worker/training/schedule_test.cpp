#include "worker/training/schedule.h"

#include <gtest/gtest.h>

namespace sweep::worker {
namespace {

ScheduleConfig config(const std::string& kind) {
  ScheduleConfig c;
  c.kind = kind;
  c.learning_rate = 0.1;
  return c;
}

TEST(Schedule, NoneAndStep) {
  EXPECT_DOUBLE_EQ(LrSchedule(config("none"), 10, 5).lr(7, 3), 0.1);
  ScheduleConfig c = config("step");
  c.step_size = 3;
  c.factor = 0.5;
  LrSchedule s(c, 10, 5);
  EXPECT_DOUBLE_EQ(s.lr(1, 0), 0.1);
  EXPECT_DOUBLE_EQ(s.lr(3, 4), 0.1);
  EXPECT_DOUBLE_EQ(s.lr(4, 0), 0.05);
  EXPECT_DOUBLE_EQ(s.lr(7, 0), 0.025);
}

TEST(Schedule, CosineFallsToZeroOverAllBatches) {
  LrSchedule s(config("cosine"), 4, 10);  // 40 batches
  EXPECT_DOUBLE_EQ(s.lr(1, 0), 0.1);
  EXPECT_NEAR(s.lr(3, 0), 0.05, 1e-12);  // half way
  EXPECT_LT(s.lr(4, 9), 0.001);
  EXPECT_GT(s.lr(2, 0), s.lr(2, 1));
}

TEST(Schedule, OneCycleRisesToMaxThenFalls) {
  ScheduleConfig c = config("onecycle");
  c.max_lr = 1.0;
  c.pct_start = 0.25;
  LrSchedule s(c, 4, 25);  // 100 batches; the peak near batch 24
  EXPECT_NEAR(s.lr(1, 0), 1.0 / 25, 1e-12);
  EXPECT_NEAR(s.lr(1, 24), 1.0, 1e-12);
  EXPECT_LT(s.lr(1, 10), s.lr(1, 20));
  EXPECT_GT(s.lr(3, 0), s.lr(4, 0));
  EXPECT_NEAR(s.lr(4, 24), 1.0 / 25 / 1e4, 1e-12);
}

TEST(Schedule, PlateauCutsAfterPatienceAndKeepsItsState) {
  ScheduleConfig c = config("plateau");
  c.patience = 2;
  c.factor = 0.1;
  LrSchedule s(c, 10, 1);
  s.end_epoch(1.0);
  s.end_epoch(0.9);  // better
  s.end_epoch(0.95);
  EXPECT_DOUBLE_EQ(s.lr(4, 0), 0.1);
  s.end_epoch(0.92);  // second epoch without a new best: cut
  EXPECT_NEAR(s.lr(5, 0), 0.01, 1e-15);
  LrSchedule copy(c, 10, 1);
  copy.restore(s.state());
  copy.end_epoch(0.91);
  copy.end_epoch(0.93);
  EXPECT_NEAR(copy.lr(7, 0), 0.001, 1e-15);
  EXPECT_THROW(copy.restore({1, 2}), std::invalid_argument);
}

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutANewBest) {
  EarlyStop off(0);
  for (int i = 0; i < 10; ++i) off.end_epoch(1.0);
  EXPECT_FALSE(off.stop());
  EarlyStop es(2);
  es.end_epoch(1.0);
  es.end_epoch(1.1);
  EXPECT_FALSE(es.stop());
  es.end_epoch(0.8);  // a new best resets the count
  es.end_epoch(0.8);
  EXPECT_FALSE(es.stop());
  EarlyStop copy(2);
  copy.restore(es.state());
  copy.end_epoch(0.85);
  EXPECT_TRUE(copy.stop());
}

}  // namespace
}  // namespace sweep::worker
