// Calibration of a classifier's probabilities: whether "90% confident" means right 90% of the
// time. The expected calibration error over 15 equal-width confidence bins and the multi-class
// Brier score, from sums that add up over the parts of a set (a trial group's members).
// Pure arithmetic.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/trial.h"

namespace sweep {

class Calibration {
 public:
  static constexpr int kBins = 15;
  // The doubles of to_sums(): per bin its rows, summed confidence and correct rows, then the
  // summed squared error.
  static constexpr std::size_t kSums = 3 * kBins + 1;

  // Adds one row: its `k` class probabilities `p` (summing to 1), its true class `label` and
  // its predicted class `predicted` (whose probability is the row's confidence; bin b holds
  // confidences in (b/15, (b+1)/15], a confidence of 0 bin 0).
  void add(const float* p, std::int64_t k, std::int64_t label, std::int64_t predicted);
  // Adds another part's rows.
  void add(const Calibration& other);

  // Expected calibration error: sum over bins of (rows in bin / rows) x |accuracy in bin -
  // mean confidence in bin|, in [0, 1]. NaN with no rows.
  double ece() const;
  // Multi-class Brier score: the mean over rows of sum over classes of (p_c - [c = label])^2, in
  // [0, 2]. NaN with no rows.
  double brier() const;
  // Per bin: rows, mean confidence and accuracy (NaN for an empty bin): a reliability diagram.
  std::int64_t rows(int bin) const;
  double mean_confidence(int bin) const;
  double accuracy(int bin) const;
  std::int64_t total_rows() const;

  // The sums, as kSums doubles, and back (a group sums them over its members).
  // from_sums throws std::invalid_argument unless given kSums values.
  std::vector<double> to_sums() const;
  static Calibration from_sums(const std::vector<double>& sums);

 private:
  std::array<double, kBins> count_{}, confidence_{}, correct_{};
  double squared_error_ = 0;
};

// The bins of `c` that hold rows, in order: what table calibration stores per trial.
std::vector<CalibrationBin> calibration_bins(const Calibration& c);

}  // namespace sweep
