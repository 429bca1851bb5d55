// Evaluation of a model on a set of images, in inference mode and in small batches.
#pragma once

#include <torch/torch.h>

#include <functional>
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

// Rows per evaluation batch.
constexpr std::int64_t kEvalBatch = 256;

// Images changed before they reach the model: called with a batch on the 0-1 pixel scale
// (B x C x H x W float) and the images' rows in their set (int64 B), it returns the batch to
// use, on the same scale (robustness checks: worker/training/robustness_eval.h).
using PixelTransform =
    std::function<torch::Tensor(const torch::Tensor& unit, const torch::Tensor& rows)>;

// Mean cross-entropy, accuracy, confusion matrix, calibration (expected calibration error,
// Brier score) and (2 classes) ROC AUC of the positive class's probability, of `model` on the
// images `idx` of `set` (all when `idx` is undefined), normalized by `norm`, over `classes`
// classes, in batches of `batch` rows, with the `mistakes` most confident wrong predictions (rows:
// the images' rows in `set`). With `transform`, each batch is read on the 0-1 scale, passed
// through it, then normalized by `norm` (the same arithmetic as without: an identity transform
// gives the same metrics, bit for bit). Restores the model's mode afterwards.
EvalResult evaluate(ClassifierImpl& model, const ImageSet& set, const torch::Tensor& idx,
                    std::int64_t classes, const Normalization& norm, std::int64_t mistakes = 0,
                    std::int64_t batch = kEvalBatch, const PixelTransform* transform = nullptr);

// Softmax probabilities (N x classes) of `model` on all rows of `x`, in batches of `batch`.
torch::Tensor predict_probabilities(ClassifierImpl& model, const torch::Tensor& x,
                                    std::int64_t batch = kEvalBatch);

}  // namespace sweep::worker
