// Metrics that need the model's scores, not only its confusion matrix. No LibTorch. (The
// confusion-matrix metrics are in core/class_metrics.h.)
#pragma once

#include <cstdint>
#include <vector>

namespace sweep::worker {

// Area under the ROC curve of a binary task: the probability that a random positive
// (label 1) scores above a random negative, ties counting one half (the Mann-Whitney U
// statistic). NaN when either class is absent. `scores` and `labels` have the same length.
double roc_auc(const std::vector<double>& scores, const std::vector<std::int64_t>& labels);

}  // namespace sweep::worker
