// Test-time perturbations of images, for checking a trained model's robustness to shifts in
// lighting, contrast, sensor noise, focus and orientation (issue 35): each works on images on
// the 0-1 pixel scale, before normalization, and is deterministic given its generator.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/torch.h>

#include "core/robustness.h"

namespace sweep::worker {

// The perturbations, their names and default levels: core/robustness.h.

// The images `y` (B x C x H x W, float, on the 0-1 pixel scale) perturbed at `level`, clamped to
// [0, 1]:
//   brightness: every pixel x level;
//   contrast:   around each image's mean over its channels and pixels, (y - mean) x level + mean;
//   noise:      plus Gaussian noise of standard deviation `level`, drawn from `gen`;
//   blur:       a Gaussian of sigma `level` pixels (separable, radius ceil(3 sigma), edges
//               repeated);
//   rotation:   by `level` degrees counter-clockwise about the centre (bilinear, black outside).
// Only noise draws from `gen`. Throws std::invalid_argument for a negative level (or a sigma of
// 0 for blur).
torch::Tensor perturb(const torch::Tensor& y, Perturbation p, double level, at::Generator& gen);

}  // namespace sweep::worker
