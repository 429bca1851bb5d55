#include "worker/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep::worker {
namespace {

TEST(Metrics, MacroF1ByHand) {
  // Class 0: P = 5/7, R = 5/6, F1 = 10/13. Class 1: P = 7/8, R = 7/9, F1 = 14/17.
  std::vector<std::int64_t> m = {5, 1, 2, 7};
  EXPECT_NEAR(macro_f1(m, 2), (10.0 / 13 + 14.0 / 17) / 2, 1e-12);
  EXPECT_NEAR(accuracy_of(m, 2), 12.0 / 15, 1e-12);
}

TEST(Metrics, AbsentClassesLeftOutNeverPredictedCountZero) {
  // Class 2 neither occurs nor is predicted; class 1 occurs but is never predicted.
  std::vector<std::int64_t> m = {4, 0, 0, 2, 0, 0, 0, 0, 0};
  // Class 0: P = 4/6, R = 1, F1 = 0.8. Class 1: F1 = 0. Mean over 2 classes.
  EXPECT_NEAR(macro_f1(m, 3), 0.4, 1e-12);
  EXPECT_TRUE(std::isnan(macro_f1(std::vector<std::int64_t>(4, 0), 2)));
}

}  // namespace
}  // namespace sweep::worker
