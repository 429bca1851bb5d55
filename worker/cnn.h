// The reference model `cnn`: conv3x3(F)-ReLU-conv3x3(F)-ReLU-maxpool2 - conv3x3(2F)-ReLU-
// conv3x3(2F)-ReLU-maxpool2 - flatten - linear(D)-ReLU-dropout - linear(classes), padding 1.
// Benchmarks compare against exactly this definition.
#pragma once

#include <torch/torch.h>

namespace sweep::worker {

struct CnnOptions {
  std::int64_t in_channels = 1, rows = 28, cols = 28;
  std::int64_t filters = 32, dense_units = 128, classes = 10;
  double dropout = 0.25;
};

class CnnImpl : public torch::nn::Module {
 public:
  // Builds the layers; throws std::invalid_argument when the image is smaller than 4x4.
  explicit CnnImpl(const CnnOptions& o);
  // x: B x C x H x W float. Returns B x classes logits.
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr}, conv4_{nullptr};
  torch::nn::Linear dense_{nullptr}, out_{nullptr};
  torch::nn::Dropout drop_{nullptr};
};
TORCH_MODULE(Cnn);

}  // namespace sweep::worker
