#include "worker/cnn.h"

#include <stdexcept>

namespace sweep::worker {
namespace {
torch::nn::Conv2d conv3x3(std::int64_t in, std::int64_t out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}
}  // namespace

CnnImpl::CnnImpl(const CnnOptions& o) {
  if (o.rows < 4 || o.cols < 4) throw std::invalid_argument("cnn needs images of at least 4x4");
  const std::int64_t f = o.filters;
  conv1_ = register_module("conv1", conv3x3(o.in_channels, f));
  conv2_ = register_module("conv2", conv3x3(f, f));
  conv3_ = register_module("conv3", conv3x3(f, 2 * f));
  conv4_ = register_module("conv4", conv3x3(2 * f, 2 * f));
  const std::int64_t flat = 2 * f * (o.rows / 4) * (o.cols / 4);
  dense_ = register_module("dense", torch::nn::Linear(flat, o.dense_units));
  drop_ = register_module("dropout", torch::nn::Dropout(o.dropout));
  out_ = register_module("out", torch::nn::Linear(o.dense_units, o.classes));
}

torch::Tensor CnnImpl::forward(torch::Tensor x) {
  x = torch::relu(conv2_(torch::relu(conv1_(x))));
  x = torch::max_pool2d(x, 2);
  x = torch::relu(conv4_(torch::relu(conv3_(x))));
  x = torch::max_pool2d(x, 2);
  x = drop_(torch::relu(dense_(x.flatten(1))));
  return out_(x);
}

}  // namespace sweep::worker
