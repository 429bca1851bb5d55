#include "worker/models/resnet.h"

#include <cmath>
#include <stdexcept>

#include "worker/config/model_shape.h"

namespace sweep::worker {
namespace {

torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t stride) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).bias(false));
}

class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride) {
    conv1_ = register_module("conv1", conv(in, out, 3, stride));
    bn1_ = register_module("bn1", torch::nn::BatchNorm2d(out));
    conv2_ = register_module("conv2", conv(out, out, 3, 1));
    bn2_ = register_module("bn2", torch::nn::BatchNorm2d(out));
    if (stride != 1 || in != out) {
      shortcut_ = register_module(
          "shortcut", torch::nn::Sequential(conv(in, out, 1, stride), torch::nn::BatchNorm2d(out)));
    }
  }
  // The block's output; its two ReLUs' outputs go to `probe` (when set) as NAME.relu1/relu2.
  torch::Tensor forward(torch::Tensor x, ActivationProbe* probe = nullptr,
                        const std::string& name = "") {
    torch::Tensor y = torch::relu(bn1_(conv1_(x)));
    if (probe != nullptr) probe->see(name + ".relu1", y);
    y = bn2_(conv2_(y));
    y = torch::relu(y + (shortcut_ ? shortcut_->forward(x) : x));
    if (probe != nullptr) probe->see(name + ".relu2", y);
    return y;
  }

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::Sequential shortcut_{nullptr};
};
TORCH_MODULE(BasicBlock);

}  // namespace

ResNetImpl::ResNetImpl(const ResNetOptions& o) {
  const std::vector<int> blocks = resnet_blocks(o.depth);
  const std::vector<std::int64_t> w = resnet_widths(o.width);
  stem_ = torch::nn::Sequential();
  if (std::max(o.rows, o.cols) <= 64) {
    stem_->push_back(conv(o.in_channels, w[0], 3, 1));
    stem_->push_back(torch::nn::BatchNorm2d(w[0]));
    stem_->push_back(torch::nn::ReLU());
  } else {
    stem_->push_back(conv(o.in_channels, w[0], 7, 2));
    stem_->push_back(torch::nn::BatchNorm2d(w[0]));
    stem_->push_back(torch::nn::ReLU());
    stem_->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1)));
  }
  register_module("stem", stem_);
  stages_ = torch::nn::Sequential();
  std::int64_t in = w[0];
  for (int s = 0; s < 4; ++s) {
    for (int b = 0; b < blocks[s]; ++b) {
      stages_->push_back(BasicBlock(in, w[s], (s > 0 && b == 0) ? 2 : 1));
      block_names_.push_back("stage" + std::to_string(s + 1) + ".block" + std::to_string(b + 1));
      in = w[s];
    }
  }
  register_module("stages", stages_);
  drop_ = register_module("dropout", torch::nn::Dropout(o.dropout));
  fc_ = register_module("fc", torch::nn::Linear(in, o.classes));
}

torch::Tensor ResNetImpl::forward(torch::Tensor x) {
  x = forward_probed(stem_, x, probe(), "stem.");
  for (std::size_t b = 0; b < stages_->size(); ++b) {
    x = stages_[b]->as<BasicBlockImpl>()->forward(x, probe(), block_names_[b]);
  }
  x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  return fc_(drop_(x));
}

}  // namespace sweep::worker
