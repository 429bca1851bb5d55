#include "worker/training/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep::worker {
namespace {

TEST(Metrics, RocAucByHand) {
  // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered right.
  EXPECT_NEAR(roc_auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75, 1e-12);
  EXPECT_NEAR(roc_auc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0, 1e-12);
  EXPECT_NEAR(roc_auc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}), 0.0, 1e-12);
}

TEST(Metrics, RocAucTiesCountHalfAndNeedsBothClasses) {
  EXPECT_NEAR(roc_auc({0.5, 0.5}, {0, 1}), 0.5, 1e-12);
  EXPECT_NEAR(roc_auc({0.5, 0.5, 0.9}, {0, 1, 1}), 0.75, 1e-12);
  EXPECT_TRUE(std::isnan(roc_auc({0.1, 0.2}, {1, 1})));
}

}  // namespace
}  // namespace sweep::worker
