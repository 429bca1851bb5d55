// How a trial's pixels become the model's inputs: (pixel / 255 - mean) / std, with one mean
// and std for all channels or one per channel (key `normalize`, and `mean`/`std` for custom).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "worker/config/normalization_choice.h"

namespace sweep::worker {

// Sums of uint8 pixels per channel, for a data set's statistics.
class ChannelStats {
 public:
  // Adds the images of `bytes` (uint8 N x C x H x W, C the same at every call).
  void add(const torch::Tensor& bytes);
  // The mean and standard deviation of each channel on the 0-1 scale (one value for one
  // channel; mean 0 and std 1 when nothing was added). A constant channel gets std 1e-6.
  Normalization result() const;

 private:
  std::vector<double> sum_, sq_;
  double per_channel_ = 0;  // pixels added per channel
};

// uint8 N x C x H x W as float32 (pixel / 255 - mean) / std, contiguous. One value: scalar
// arithmetic; several: one per channel.
torch::Tensor normalize_bytes(const torch::Tensor& bytes, const Normalization& n);

// A normalized float batch back on the 0-1 pixel scale (x * std + mean), and the inverse.
torch::Tensor to_unit_scale(const torch::Tensor& x, const Normalization& n);
torch::Tensor from_unit_scale(const torch::Tensor& y, const Normalization& n);

}  // namespace sweep::worker
