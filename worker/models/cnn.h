// The model `cnn`: conv_blocks blocks of conv3x3-[BN]-ReLU-conv3x3-[BN]-ReLU-maxpool2 (block b
// with filters x 2^(b-1) channels, padding 1), flatten, linear(dense_units)-ReLU-dropout,
// linear(classes). With the defaults (2 blocks, no BN) it is the reference model that the
// benchmarks compare against.
#pragma once

#include "worker/models/model.h"

namespace sweep::worker {

struct CnnOptions {
  std::int64_t in_channels = 1, rows = 28, cols = 28;
  std::int64_t filters = 32, dense_units = 128, classes = 10, conv_blocks = 2;
  bool batch_norm = false;
  double dropout = 0.25;
};

class CnnImpl : public ClassifierImpl {
 public:
  // Builds the layers; throws std::invalid_argument when the image is smaller than
  // 2^conv_blocks pixels on a side.
  explicit CnnImpl(const CnnOptions& o);
  // x: B x C x H x W float. Returns B x classes logits.
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Linear dense_{nullptr}, out_{nullptr};
  torch::nn::Dropout drop_{nullptr};
};
TORCH_MODULE(Cnn);

}  // namespace sweep::worker
