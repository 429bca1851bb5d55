// The most confident wrong predictions of a model on a set of images: what a trial stores (table
// `mistakes`) and `sweep predict --mistakes` writes, for looking at the images a model gets wrong.
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <vector>

#include "core/trial.h"

namespace sweep::worker {

// Adds to `out` the rows of a batch whose prediction is wrong: `prob` (B x classes softmax
// probabilities, on the CPU), `labels` and `rows` (B int64 each: the true classes and the
// images' rows in their set), then keeps the `keep` most confident (keep_most_confident).
void add_mistakes(const torch::Tensor& prob, const torch::Tensor& labels, const torch::Tensor& rows,
                  std::size_t keep, std::vector<Mistake>& out);

// Sorts `m` by probability, highest first (ties: the lower row first) and keeps the first
// `keep`. The order is total, so the result does not depend on how `m` was gathered.
void keep_most_confident(std::vector<Mistake>& m, std::size_t keep);

}  // namespace sweep::worker
