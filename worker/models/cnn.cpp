#include "worker/models/cnn.h"

#include <stdexcept>

namespace sweep::worker {
namespace {
torch::nn::Conv2d conv3x3(std::int64_t in, std::int64_t out, bool bias) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(bias));
}
}  // namespace

CnnImpl::CnnImpl(const CnnOptions& o) {
  const std::int64_t side = std::min(o.rows, o.cols) >> o.conv_blocks;
  if (side < 1) {
    throw std::invalid_argument("key 'conv_blocks': " + std::to_string(o.conv_blocks) +
                                " blocks halve a " + std::to_string(o.rows) + "x" +
                                std::to_string(o.cols) + " image to nothing");
  }
  features_ = torch::nn::Sequential();
  std::int64_t in = o.in_channels, f = o.filters, rows = o.rows, cols = o.cols;
  for (std::int64_t b = 0; b < o.conv_blocks; ++b) {
    for (int c = 0; c < 2; ++c) {
      features_->push_back(conv3x3(c == 0 ? in : f, f, !o.batch_norm));
      if (o.batch_norm) features_->push_back(torch::nn::BatchNorm2d(f));
      features_->push_back(torch::nn::ReLU());
    }
    features_->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
    in = f;
    f *= 2;
    rows /= 2;
    cols /= 2;
  }
  register_module("features", features_);
  dense_ = register_module("dense", torch::nn::Linear(in * rows * cols, o.dense_units));
  drop_ = register_module("dropout", torch::nn::Dropout(o.dropout));
  out_ = register_module("out", torch::nn::Linear(o.dense_units, o.classes));
}

torch::Tensor CnnImpl::forward(torch::Tensor x) {
  x = forward_probed(features_, x, probe(), "features.");
  x = torch::relu(dense_(x.flatten(1)));
  if (probe() != nullptr) probe()->see("dense.relu", x);
  return out_(drop_(x));
}

}  // namespace sweep::worker
