// Test-time perturbations of images, for checking a trained model's robustness to shifts in
// lighting, contrast, sensor noise, focus and orientation (issue 35): each works on images on
// the 0-1 pixel scale, before normalization, and is deterministic given its generator.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

namespace sweep::worker {

enum class Perturbation { kBrightness, kContrast, kNoise, kBlur, kRotation };

// Every perturbation, in the order they are listed and reported.
const std::vector<Perturbation>& all_perturbations();
// Its name ("brightness", "contrast", "noise", "blur", "rotation").
std::string perturbation_name(Perturbation p);
// The perturbation named `name`, or nullopt for an unknown name.
std::optional<Perturbation> parse_perturbation(const std::string& name);
// The levels it is evaluated at: brightness and contrast factors 0.2 0.4 0.6 0.8 1.0 1.2 1.5;
// noise standard deviations 0.02 0.05 0.1 0.2; blur sigmas 0.5 1 2 pixels; rotations 5 15 30
// degrees.
const std::vector<double>& perturbation_levels(Perturbation p);

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
