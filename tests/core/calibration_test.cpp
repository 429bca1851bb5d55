// Expected calibration error and Brier score against values computed by hand.
#include "core/calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace sweep {
namespace {

struct Row {
  float p[3];
  std::int64_t label, predicted;
};

// Confidences 0.7 (right), 0.65 (wrong), 0.72 (wrong), 0.9 (right): bins 10, 9, 10, 13.
const Row kRows[] = {{{0.7f, 0.2f, 0.1f}, 0, 0},
                     {{0.1f, 0.65f, 0.25f}, 2, 1},
                     {{0.72f, 0.18f, 0.1f}, 1, 0},
                     {{0.05f, 0.05f, 0.9f}, 2, 2}};

TEST(Calibration, EceAndBrierOfFourRowsByHand) {
  Calibration c;
  for (const Row& r : kRows) c.add(r.p, 3, r.label, r.predicted);
  // Bin 10: 2 rows, 1 right, confidences 1.42: |1 - 1.42| = 0.42; bin 9: |0 - 0.65|; bin 13:
  // |1 - 0.9|. (0.42 + 0.65 + 0.1) / 4.
  EXPECT_NEAR(c.ece(), 1.17 / 4, 1e-6);
  // Squared errors 0.14, 0.995, 1.2008, 0.015.
  EXPECT_NEAR(c.brier(), 2.3508 / 4, 1e-6);
  EXPECT_EQ(c.total_rows(), 4);
  EXPECT_EQ(c.rows(10), 2);
  EXPECT_EQ(c.rows(9), 1);
  EXPECT_EQ(c.rows(13), 1);
  EXPECT_EQ(c.rows(0), 0);
  EXPECT_NEAR(c.mean_confidence(10), 0.71, 1e-6);
  EXPECT_DOUBLE_EQ(c.accuracy(10), 0.5);
  EXPECT_DOUBLE_EQ(c.accuracy(9), 0.0);
  EXPECT_TRUE(std::isnan(c.accuracy(0)));
}

TEST(Calibration, TheStoredBinsAreThoseHoldingRowsInOrder) {
  Calibration c;
  for (const Row& r : kRows) c.add(r.p, 3, r.label, r.predicted);
  const std::vector<CalibrationBin> bins = calibration_bins(c);
  ASSERT_EQ(bins.size(), 3u);
  EXPECT_EQ(bins[0].bin, 9);
  EXPECT_EQ(bins[0].rows, 1);
  EXPECT_DOUBLE_EQ(bins[0].accuracy, 0.0);
  EXPECT_EQ(bins[1].bin, 10);
  EXPECT_EQ(bins[1].rows, 2);
  EXPECT_NEAR(bins[1].mean_confidence, 0.71, 1e-6);
  EXPECT_DOUBLE_EQ(bins[1].accuracy, 0.5);
  EXPECT_EQ(bins[2].bin, 13);
  // The diagram gives back the ECE: the rows-weighted mean of |accuracy - confidence|.
  double ece = 0;
  for (const CalibrationBin& b : bins) {
    ece += static_cast<double>(b.rows) * std::abs(b.accuracy - b.mean_confidence);
  }
  EXPECT_NEAR(ece / 4, c.ece(), 1e-12);
  EXPECT_TRUE(calibration_bins(Calibration{}).empty());
}

TEST(Calibration, PartsAddUpToTheWhole) {
  Calibration whole, a, b;
  for (const Row& r : kRows) whole.add(r.p, 3, r.label, r.predicted);
  a.add(kRows[0].p, 3, kRows[0].label, kRows[0].predicted);
  for (int i = 1; i < 4; ++i) b.add(kRows[i].p, 3, kRows[i].label, kRows[i].predicted);
  // As a group sums them: each part's sums, added, read back.
  std::vector<double> sums = a.to_sums();
  const std::vector<double> more = b.to_sums();
  ASSERT_EQ(sums.size(), Calibration::kSums);
  for (std::size_t i = 0; i < sums.size(); ++i) sums[i] += more[i];
  const Calibration summed = Calibration::from_sums(sums);
  EXPECT_NEAR(summed.ece(), whole.ece(), 1e-12);
  EXPECT_NEAR(summed.brier(), whole.brier(), 1e-12);
  a.add(b);
  EXPECT_NEAR(a.ece(), whole.ece(), 1e-12);
  EXPECT_THROW(Calibration::from_sums({1.0, 2.0}), std::invalid_argument);
}

TEST(Calibration, SureAndRightIsPerfectSureAndWrongIsWorst) {
  const float sure[2] = {1.0f, 0.0f};
  Calibration right, wrong;
  right.add(sure, 2, 0, 0);
  wrong.add(sure, 2, 1, 0);
  EXPECT_EQ(right.ece(), 0.0);
  EXPECT_EQ(right.brier(), 0.0);
  EXPECT_EQ(right.rows(Calibration::kBins - 1), 1);  // confidence 1: the last bin
  EXPECT_EQ(wrong.ece(), 1.0);
  EXPECT_EQ(wrong.brier(), 2.0);
  EXPECT_TRUE(std::isnan(Calibration().ece()));
  EXPECT_TRUE(std::isnan(Calibration().brier()));
}

}  // namespace
}  // namespace sweep
