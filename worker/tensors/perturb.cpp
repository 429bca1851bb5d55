#include "worker/tensors/perturb.h"

#include <cmath>
#include <stdexcept>

namespace sweep::worker {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A separable Gaussian blur of sigma `sigma` pixels, edges repeated, each channel on its own.
torch::Tensor gaussian_blur(const torch::Tensor& y, double sigma) {
  const auto radius = static_cast<std::int64_t>(std::ceil(3 * sigma));
  torch::Tensor k = torch::arange(-radius, radius + 1, torch::kFloat64);
  k = (-(k * k) / (2 * sigma * sigma)).exp();
  k = (k / k.sum()).to(y.scalar_type()).to(y.device());
  const std::int64_t c = y.size(1);
  namespace F = torch::nn::functional;
  torch::Tensor out =
      F::pad(y, F::PadFuncOptions({radius, radius, radius, radius}).mode(torch::kReplicate));
  out =
      F::conv2d(out, k.view({1, 1, 1, -1}).repeat({c, 1, 1, 1}), F::Conv2dFuncOptions().groups(c));
  return F::conv2d(out, k.view({1, 1, -1, 1}).repeat({c, 1, 1, 1}),
                   F::Conv2dFuncOptions().groups(c));
}

torch::Tensor rotate(const torch::Tensor& y, double degrees) {
  const double a = degrees * kPi / 180;
  const std::int64_t b = y.size(0);
  torch::Tensor theta =
      torch::tensor({std::cos(a), -std::sin(a), 0.0, std::sin(a), std::cos(a), 0.0},
                    torch::TensorOptions().dtype(y.scalar_type()).device(y.device()))
          .view({1, 2, 3})
          .expand({b, 2, 3});
  namespace F = torch::nn::functional;
  torch::Tensor grid = F::affine_grid(theta, y.sizes(), false);
  return F::grid_sample(y, grid,
                        F::GridSampleFuncOptions()
                            .mode(torch::kBilinear)
                            .padding_mode(torch::kZeros)
                            .align_corners(false));
}

}  // namespace

torch::Tensor perturb(const torch::Tensor& y, Perturbation p, double level, at::Generator& gen) {
  if (!(level >= 0) || (p == Perturbation::kBlur && level == 0)) {
    throw std::invalid_argument(perturbation_name(p) + ": level " + std::to_string(level) +
                                " out of range");
  }
  torch::Tensor out;
  switch (p) {
    case Perturbation::kBrightness:
      out = y * level;
      break;
    case Perturbation::kContrast: {
      const torch::Tensor m = y.mean({1, 2, 3}, true);
      out = (y - m) * level + m;
      break;
    }
    case Perturbation::kNoise:
      out = y + torch::randn(y.sizes(), gen, y.scalar_type()).to(y.device()) * level;
      break;
    case Perturbation::kBlur:
      out = gaussian_blur(y, level);
      break;
    case Perturbation::kRotation:
      out = rotate(y, level);
      break;
  }
  return out.clamp(0, 1);
}

}  // namespace sweep::worker
