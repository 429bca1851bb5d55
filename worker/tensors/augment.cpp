#include "worker/tensors/augment.h"

#include <cmath>

namespace sweep::worker {
namespace {

constexpr double kPi = 3.14159265358979323846;

// B values uniform in [-1, 1).
torch::Tensor symmetric(std::int64_t b, at::Generator& gen) {
  return torch::rand({b}, gen, torch::kFloat32) * 2 - 1;
}

// Flips the images where `mask` (B bools) is set, along dimension `dim`.
torch::Tensor flip_where(const torch::Tensor& x, const torch::Tensor& mask, std::int64_t dim) {
  return torch::where(mask.view({-1, 1, 1, 1}), x.flip({dim}), x);
}

}  // namespace

torch::Tensor augment_batch(const torch::Tensor& x, const AugmentConfig& a,
                            const Normalization& norm, at::Generator& gen) {
  if (!a.any()) return x;
  const std::int64_t b = x.size(0);
  torch::Tensor y = x;
  if (a.hflip) y = flip_where(y, torch::rand({b}, gen) < 0.5, 3);
  if (a.vflip) y = flip_where(y, torch::rand({b}, gen) < 0.5, 2);
  const bool brightness = a.brightness > 0 || a.contrast > 0;
  // Pixel values (0 = black) for resampling and jitter; back to normalized at the end.
  if (a.rotation > 0 || a.translate > 0 || brightness) y = to_unit_scale(y, norm);
  if (a.rotation > 0 || a.translate > 0) {
    torch::Tensor angle = symmetric(b, gen) * (a.rotation * kPi / 180);
    torch::Tensor tx = symmetric(b, gen) * (2 * a.translate);  // grid units: 2 = the image width
    torch::Tensor ty = symmetric(b, gen) * (2 * a.translate);
    torch::Tensor cos = angle.cos(), sin = angle.sin();
    torch::Tensor theta =
        torch::stack({torch::stack({cos, -sin, tx}, 1), torch::stack({sin, cos, ty}, 1)}, 1);
    torch::Tensor grid = torch::nn::functional::affine_grid(theta, y.sizes(), false);
    y = torch::nn::functional::grid_sample(y, grid,
                                           torch::nn::functional::GridSampleFuncOptions()
                                               .mode(torch::kBilinear)
                                               .padding_mode(torch::kZeros)
                                               .align_corners(false));
  }
  if (a.contrast > 0) {
    torch::Tensor c = (1 + symmetric(b, gen) * a.contrast).view({-1, 1, 1, 1});
    torch::Tensor m = y.mean({1, 2, 3}, true);
    y = (y - m) * c + m;
  }
  if (a.brightness > 0) y = y * (1 + symmetric(b, gen) * a.brightness).view({-1, 1, 1, 1});
  if (a.rotation > 0 || a.translate > 0 || brightness) {
    y = from_unit_scale(brightness ? y.clamp(0, 1) : y, norm);
  }
  return y;
}

}  // namespace sweep::worker
