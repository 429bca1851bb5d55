// Evaluation of a model on a set of images, in inference mode and in small batches.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "worker/cnn.h"

namespace sweep::worker {

struct EvalResult {
  double loss = 0, accuracy = 0;
  std::vector<std::int64_t> confusion;  // classes x classes, row = true
};

// Mean cross-entropy, accuracy and confusion matrix of `model` on x[idx], y[idx] (all rows
// when `idx` is undefined), in batches of `batch` rows. Restores training mode afterwards.
EvalResult evaluate(Cnn& model, const torch::Tensor& x, const torch::Tensor& y,
                    const torch::Tensor& idx, std::int64_t classes, std::int64_t batch = 256);

}  // namespace sweep::worker
