// The model `resnet`: ResNet-18/34 of basic blocks (two conv3x3-BN, identity or 1x1-conv-BN
// shortcut), stage widths 64-128-256-512 times `width`. Images up to 64 pixels on a side get a
// conv3x3 stride-1 stem without pooling (as for CIFAR); larger ones the ImageNet stem, conv7x7
// stride 2 and a 3x3 max pool. Global average pooling, dropout, linear(classes).
#pragma once

#include <string>
#include <vector>

#include "worker/models/model.h"

namespace sweep::worker {

struct ResNetOptions {
  std::int64_t in_channels = 1, rows = 28, cols = 28, classes = 10;
  std::int64_t depth = 18;  // 18 or 34
  double width = 1, dropout = 0;
};

class ResNetImpl : public ClassifierImpl {
 public:
  // Throws std::invalid_argument on a depth other than 18 or 34.
  explicit ResNetImpl(const ResNetOptions& o);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::nn::Sequential stem_{nullptr}, stages_{nullptr};
  torch::nn::Dropout drop_{nullptr};
  torch::nn::Linear fc_{nullptr};
  std::vector<std::string> block_names_;  // "stage1.block1", ... per block of stages_
};
TORCH_MODULE(ResNet);

}  // namespace sweep::worker
