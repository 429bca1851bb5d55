// Classification metrics computed from a confusion matrix (row = true class, column =
// predicted), shared by the worker (which computes a trial's metrics) and the results store
// (which stores the per-class table). Pure arithmetic.
#pragma once

#include <cstdint>
#include <vector>

namespace sweep {

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;  // NaN when undefined (nothing predicted/present)
  std::int64_t support = 0;                  // images of this class
};

// Precision, recall, F1 and support of each of the k classes of a k x k confusion matrix.
// Precision is NaN for a class never predicted, recall NaN for a class that never occurs,
// F1 0 when the class occurs or is predicted but never correctly, NaN when neither.
std::vector<ClassMetrics> per_class(const std::vector<std::int64_t>& confusion, std::int64_t k);

// Macro-averaged F1: classes that neither occur nor are predicted are left out of the average;
// a class that occurs but is never predicted correctly counts as F1 0. NaN for an empty matrix.
double macro_f1(const std::vector<std::int64_t>& confusion, std::int64_t k);

// Fraction of the diagonal in the matrix, NaN when empty.
double accuracy_of(const std::vector<std::int64_t>& confusion, std::int64_t k);

// Cohen's kappa with quadratic weights (w_ij = (i - j)^2 / (k - 1)^2), for ordinal labels such
// as retinopathy grades 0-4: 1 for perfect agreement, 0 for chance. NaN for an empty matrix or
// when the expected disagreement is 0 (a single class everywhere).
double quadratic_weighted_kappa(const std::vector<std::int64_t>& confusion, std::int64_t k);

}  // namespace sweep
