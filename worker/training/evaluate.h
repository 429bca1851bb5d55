// Evaluation of a model on a set of images, in inference mode and in small batches.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/calibration.h"
#include "core/trial.h"
#include "worker/models/model.h"
#include "worker/tensors/dataset.h"

namespace sweep::worker {

struct EvalResult {
  double loss = 0, accuracy = 0;
  std::vector<std::int64_t> confusion;                    // classes x classes, row = true
  double auc = std::numeric_limits<double>::quiet_NaN();  // ROC AUC, for 2 classes only
  // 2 classes only: each row's probability of class 1 and its label, in row order.
  std::vector<double> scores;
  std::vector<std::int64_t> labels;
  std::vector<Mistake> mistakes;  // the most confident wrong predictions (see evaluate)
  Calibration calibration;        // of the softmax probabilities against the labels
};

// Mean cross-entropy, accuracy, confusion matrix, calibration (expected calibration error,
// Brier score) and (2 classes) ROC AUC of the positive class's probability, of `model` on the
// images `idx` of `set` (all when `idx` is undefined), normalized by `norm`, over `classes`
// classes, in batches of `batch` rows, with the `mistakes` most confident wrong predictions (rows:
// the images' rows in `set`). Restores the model's mode afterwards.
EvalResult evaluate(ClassifierImpl& model, const ImageSet& set, const torch::Tensor& idx,
                    std::int64_t classes, const Normalization& norm, std::int64_t mistakes = 0,
                    std::int64_t batch = 256);

// Softmax probabilities (N x classes) of `model` on all rows of `x`, in batches of `batch`.
torch::Tensor predict_probabilities(ClassifierImpl& model, const torch::Tensor& x,
                                    std::int64_t batch = 256);

}  // namespace sweep::worker
