// Data augmentation on batches of tensors, drawn from a seeded generator: random flips, one
// affine resampling for rotation and translation, brightness and contrast jitter.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/torch.h>

#include "worker/config/train_config.h"
#include "worker/tensors/normalization.h"

namespace sweep::worker {

// Returns an augmented copy of the batch `x` (B x C x H x W, normalized by `norm`). Each image
// draws its own flips, angle in +-rotation degrees, shift in +-translate of its size (bilinear
// resampling, the background filled with black pixels), brightness factor in 1 +- brightness and
// contrast factor around its mean in 1 +- contrast (applied to pixel values, so black stays black
// under brightness). Returns `x` itself when nothing is on.
torch::Tensor augment_batch(const torch::Tensor& x, const AugmentConfig& a,
                            const Normalization& norm, at::Generator& gen);

}  // namespace sweep::worker
