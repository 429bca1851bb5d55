// Classification metrics computed from a confusion matrix. No LibTorch.
#pragma once

#include <cstdint>
#include <vector>

namespace sweep::worker {

// Macro-averaged F1 of a k x k confusion matrix (row = true class, column = predicted).
// Classes that neither occur nor are predicted are left out of the average; a class that
// occurs but is never predicted correctly counts as F1 0. Returns NaN for an empty matrix.
double macro_f1(const std::vector<std::int64_t>& confusion, std::int64_t k);

// Fraction of the diagonal in the matrix, NaN when empty.
double accuracy_of(const std::vector<std::int64_t>& confusion, std::int64_t k);

}  // namespace sweep::worker
