#include "core/class_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep {
namespace {

TEST(ClassMetrics, MacroF1ByHand) {
  // Class 0: P = 5/7, R = 5/6, F1 = 10/13. Class 1: P = 7/8, R = 7/9, F1 = 14/17.
  std::vector<std::int64_t> m = {5, 1, 2, 7};
  EXPECT_NEAR(macro_f1(m, 2), (10.0 / 13 + 14.0 / 17) / 2, 1e-12);
  EXPECT_NEAR(accuracy_of(m, 2), 12.0 / 15, 1e-12);
  std::vector<ClassMetrics> c = per_class(m, 2);
  EXPECT_NEAR(c[0].precision, 5.0 / 7, 1e-12);
  EXPECT_NEAR(c[0].recall, 5.0 / 6, 1e-12);
  EXPECT_NEAR(c[1].precision, 7.0 / 8, 1e-12);
  EXPECT_NEAR(c[1].recall, 7.0 / 9, 1e-12);
  EXPECT_EQ(c[0].support, 6);
  EXPECT_EQ(c[1].support, 9);
}

TEST(ClassMetrics, AbsentClassesLeftOutNeverPredictedCountZero) {
  // Class 2 neither occurs nor is predicted; class 1 occurs but is never predicted.
  std::vector<std::int64_t> m = {4, 0, 0, 2, 0, 0, 0, 0, 0};
  // Class 0: P = 4/6, R = 1, F1 = 0.8. Class 1: F1 = 0. Mean over 2 classes.
  EXPECT_NEAR(macro_f1(m, 3), 0.4, 1e-12);
  EXPECT_TRUE(std::isnan(macro_f1(std::vector<std::int64_t>(4, 0), 2)));
  std::vector<ClassMetrics> c = per_class(m, 3);
  EXPECT_TRUE(std::isnan(c[1].precision));  // never predicted
  EXPECT_EQ(c[1].recall, 0);
  EXPECT_TRUE(std::isnan(c[2].recall));  // never occurs
  EXPECT_TRUE(std::isnan(c[2].f1));
}

TEST(ClassMetrics, QuadraticWeightedKappaByHand) {
  // Rows/columns sums 1, 1, 2 of 4; observed weighted disagreement 2 x (1/4) / 4 = 0.125;
  // expected 5.5 / 16. Kappa = 1 - 0.125 / 0.34375 = 7/11.
  std::vector<std::int64_t> m = {1, 0, 0, 0, 0, 1, 0, 1, 1};
  EXPECT_NEAR(quadratic_weighted_kappa(m, 3), 7.0 / 11, 1e-12);
  // Perfect agreement is 1; a far grade costs more than a near one.
  EXPECT_NEAR(quadratic_weighted_kappa({3, 0, 0, 0, 2, 0, 0, 0, 4}, 3), 1.0, 1e-12);
  const double near = quadratic_weighted_kappa({2, 1, 0, 0, 2, 0, 0, 0, 4}, 3);
  const double far = quadratic_weighted_kappa({2, 0, 1, 0, 2, 0, 0, 0, 4}, 3);
  EXPECT_GT(near, far);
  EXPECT_TRUE(std::isnan(quadratic_weighted_kappa({5, 0, 0, 0}, 2)));  // one class only
}

}  // namespace
}  // namespace sweep
