#include "worker/tensors/normalization.h"

#include <cmath>
#include <stdexcept>

namespace sweep::worker {
namespace {

// `values` as a 1 x C x 1 x 1 float tensor, to broadcast over a batch.
torch::Tensor per_channel(const std::vector<double>& values) {
  return torch::tensor(values, torch::kFloat64)
      .to(torch::kFloat32)
      .view({1, static_cast<std::int64_t>(values.size()), 1, 1});
}

}  // namespace

void ChannelStats::add(const torch::Tensor& bytes) {
  const torch::Tensor c = bytes.contiguous();
  const std::int64_t channels = c.size(1);
  const std::int64_t plane = c.size(2) * c.size(3);
  if (sum_.empty()) sum_.assign(channels, 0), sq_.assign(channels, 0);
  if (static_cast<std::int64_t>(sum_.size()) != channels) {
    throw std::invalid_argument("pixel statistics: images of different channel counts");
  }
  const std::uint8_t* p = c.data_ptr<std::uint8_t>();
  for (std::int64_t i = 0; i < c.size(0); ++i) {
    for (std::int64_t ch = 0; ch < channels; ++ch) {
      double& sum = sum_[ch];
      double& sq = sq_[ch];
      for (std::int64_t k = 0; k < plane; ++k, ++p) {
        const double v = *p / 255.0;
        sum += v;
        sq += v * v;
      }
    }
  }
  per_channel_ += static_cast<double>(c.size(0) * plane);
}

Normalization ChannelStats::result() const {
  if (per_channel_ == 0) return {};
  Normalization n;
  n.mean.clear();
  n.stddev.clear();
  for (std::size_t ch = 0; ch < sum_.size(); ++ch) {
    const double mean = sum_[ch] / per_channel_;
    n.mean.push_back(mean);
    n.stddev.push_back(std::sqrt(std::max(1e-12, sq_[ch] / per_channel_ - mean * mean)));
  }
  return n;
}

torch::Tensor normalize_bytes(const torch::Tensor& bytes, const Normalization& n) {
  torch::Tensor x = bytes.to(torch::kFloat32).div_(255.0);
  if (n.mean.size() == 1) return x.sub_(n.mean[0]).div_(n.stddev[0]).contiguous();
  return x.sub_(per_channel(n.mean)).div_(per_channel(n.stddev)).contiguous();
}

torch::Tensor to_unit_scale(const torch::Tensor& x, const Normalization& n) {
  if (n.mean.size() == 1) return x * n.stddev[0] + n.mean[0];
  return x * per_channel(n.stddev).to(x.device()) + per_channel(n.mean).to(x.device());
}

torch::Tensor from_unit_scale(const torch::Tensor& y, const Normalization& n) {
  if (n.mean.size() == 1) return (y - n.mean[0]) / n.stddev[0];
  return (y - per_channel(n.mean).to(y.device())) / per_channel(n.stddev).to(y.device());
}

}  // namespace sweep::worker
